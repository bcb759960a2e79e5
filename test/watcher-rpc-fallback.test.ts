import { freePort, type Stack, startStack } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Several RPC URLs are fallbacks (contract section 1): with the first one refusing every connection, the watcher
 * reads the chain through the second and the payment goes its whole way.
 */
let stack: Stack;
let deadUrl: string;

beforeAll(async () => {
  // a port nothing listens on: connection refused on every call
  deadUrl = `http://127.0.0.1:${await freePort()}`;
  stack = await startStack({ rpcUrl: (anvil) => [deadUrl, anvil.rpcUrl] });
});

afterAll(async () => {
  await stack?.stop();
});

describe("RPC fallback", () => {
  it("detects and confirms a payment through the second URL while the first is down", async () => {
    expect(stack.config.chains.find((chain) => chain.id === "anvil")?.rpcUrls).toEqual([
      deadUrl,
      stack.anvil.rpcUrl,
    ]);
    const created = await stack.createIntent({ amount: "0.25", asset: "ETH" });
    const payment = await stack.pay(created.address, "0.25");
    await stack.scannedTo(payment.blockNumber);
    await stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({ amount_received: "0.250000000000000000", late: false });
    expect(confirmed.payments).toMatchObject([{ tx_hash: payment.hash, status: "confirmed" }]);
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
  });
});
