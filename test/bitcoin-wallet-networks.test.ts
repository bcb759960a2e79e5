import { setWallet } from "@paygate/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BitcoinStack, startBitcoinStack } from "./support/bitcoin-stack.ts";

/**
 * Network presets: each Bitcoin chain encodes addresses for its network (bc1 mainnet; tb1 testnet4 and signet;
 * bcrt1 regtest), and a wallet serves only the network its version bytes name: a merchant with only a vpub
 * (testnet) has no wallet for mainnet, and a zpub (mainnet) never serves a test network.
 */
let stack: BitcoinStack;

beforeAll(async () => {
  stack = await startBitcoinStack({
    backend: "node",
    // offered by the API so intents can be created; the watcher scans bitcoin-regtest only
    otherChains: Object.fromEntries(
      ["bitcoin", "bitcoin-testnet4", "bitcoin-signet"].map((id) => [
        id,
        { bitcoin_backend: { kind: "esplora", url: "https://esplora.invalid/api" } },
      ]),
    ),
  });
});

afterAll(async () => {
  await stack?.stop();
});

async function createOn(chain: string) {
  return stack.request("POST", "/v1/payment-intents", {
    body: { amount: "0.01", currency: "BTC", asset: "BTC", chain },
  });
}

describe("Bitcoin wallet networks", () => {
  it("a vpub serves testnet4, signet and regtest with their prefixes, and is refused for mainnet", async () => {
    expect((await createOn("bitcoin-regtest")).body.address).toMatch(/^bcrt1q/);
    expect((await createOn("bitcoin-testnet4")).body.address).toMatch(/^tb1q/);
    expect((await createOn("bitcoin-signet")).body.address).toMatch(/^tb1q/);
    const mainnet = await createOn("bitcoin");
    expect(mainnet.status).toBe(422);
    expect(mainnet.body.error).toMatchObject({
      type: "invalid_request",
      code: "wallet_missing",
      param: "chain",
    });
  });

  it("a zpub serves mainnet only; the test networks keep the vpub", async () => {
    const zpub =
      "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
    await setWallet(stack.db, { merchantId: stack.merchant.merchantId, family: "bitcoin", xpub: zpub });
    const mainnet = await createOn("bitcoin");
    expect(mainnet.status).toBe(201);
    expect(mainnet.body.address).toMatch(/^bc1q/);
    expect((await createOn("bitcoin-signet")).body.address).toMatch(/^tb1q/);
    expect((await createOn("bitcoin-regtest")).body.address).toMatch(/^bcrt1q/);
  });
});
