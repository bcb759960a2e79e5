import { deriveDepositAddress, setWallet } from "@paygate/shared";
import {
  ANVIL_ACCOUNT_XPUB,
  type ApiRequest,
  apiClient,
  createTestMerchant,
  startTestApi,
  type TestApi,
} from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Address vectors computed independently (BIP84 test mnemonic; the Anvil mnemonic's accounts). */
const VPUB =
  "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";
const ZPUB =
  "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
const ANVIL_ACCOUNTS = [
  "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
];
const REGTEST_ADDRESSES = [
  "bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk",
  "bcrt1qd7spv5q28348xl4myc8zmh983w5jx32cs707jh",
  "bcrt1qxdyjf6h5d6qxap4n2dap97q4j5ps6ua8jkxz0z",
];
const MAINNET_ADDRESSES = [
  "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
  "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g",
];

let api: TestApi;
let merchantId: string;
let request: ApiRequest;

beforeAll(async () => {
  api = await startTestApi();
  const merchant = await createTestMerchant(api.db);
  merchantId = merchant.merchantId;
  await setWallet(api.db, { merchantId, family: "bitcoin", xpub: VPUB });
  await setWallet(api.db, { merchantId, family: "bitcoin", xpub: ZPUB });
  request = apiClient(api.url, merchant.apiKey);
});

afterAll(() => api?.close());

async function create(chain: string, asset: string, amount = "0.001") {
  const answer = await request("POST", "/v1/payment-intents", {
    body: { amount, currency: asset, asset, chain },
  });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; address: string };
}

describe("deposit addresses", () => {
  it("EVM intents get the wallet's 0/i addresses in order", async () => {
    const addresses = [];
    for (let i = 0; i < 3; i += 1) addresses.push((await create("anvil", "ETH")).address);
    expect(addresses).toEqual(ANVIL_ACCOUNTS);
  });

  it("Bitcoin regtest intents get the testnet wallet's P2WPKH addresses, regtest-encoded", async () => {
    const addresses = [];
    for (let i = 0; i < 3; i += 1) addresses.push((await create("bitcoin-regtest", "BTC")).address);
    expect(addresses).toEqual(REGTEST_ADDRESSES);
  });

  it("Bitcoin mainnet intents use the mainnet wallet, a counter of its own", async () => {
    const addresses = [];
    for (let i = 0; i < 2; i += 1) addresses.push((await create("bitcoin", "BTC")).address);
    expect(addresses).toEqual(MAINNET_ADDRESSES);
  });

  it("never hands an index out twice under 50 concurrent creations", async () => {
    const wallet = await api.db
      .selectFrom("wallets")
      .selectAll()
      .where("merchant_id", "=", merchantId)
      .where("family", "=", "evm")
      .executeTakeFirstOrThrow();
    const start = wallet.next_index;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        request("POST", "/v1/payment-intents", {
          body: { amount: "1", currency: "USD", asset: "ETH", chain: "anvil" },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(201));
    const rows = await api.db
      .selectFrom("payment_intents")
      .select(["derivation_index", "address"])
      .where("wallet_id", "=", wallet.id)
      .where("derivation_index", ">=", start)
      .orderBy("derivation_index")
      .execute();
    expect(rows.map((row) => row.derivation_index)).toEqual(Array.from({ length: 50 }, (_, i) => start + i));
    const anvil = api.config.chains.find((chain) => chain.id === "anvil")!;
    for (const row of rows)
      expect(row.address).toBe(deriveDepositAddress(wallet, anvil, row.derivation_index));
    expect(new Set(answers.map((answer) => answer.body.address)).size).toBe(50);
    const after = await api.db
      .selectFrom("wallets")
      .select("next_index")
      .where("id", "=", wallet.id)
      .executeTakeFirstOrThrow();
    expect(after.next_index).toBe(start + 50);
  });

  it("a failed creation gives its index back", async () => {
    const before = await api.db
      .selectFrom("wallets")
      .select(["id", "next_index"])
      .where("family", "=", "evm")
      .executeTakeFirstOrThrow();
    const failed = await request("POST", "/v1/payment-intents", {
      body: { amount: "1", currency: "JPY", asset: "ETH", chain: "anvil" },
    });
    expect(failed.status).toBe(503);
    const after = await api.db
      .selectFrom("wallets")
      .select("next_index")
      .where("id", "=", before.id)
      .executeTakeFirstOrThrow();
    expect(after.next_index).toBe(before.next_index);
  });

  it("a new wallet starts at 0; setting an earlier key again resumes its counter", async () => {
    const other =
      "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt";
    const anvil = api.config.chains.find((chain) => chain.id === "anvil")!;
    const replaced = await setWallet(api.db, { merchantId, family: "evm", xpub: other });
    expect(replaced.next_index).toBe(0);
    expect((await create("anvil", "ETH")).address).toBe(deriveDepositAddress(replaced, anvil, 0));

    const restored = await setWallet(api.db, { merchantId, family: "evm", xpub: ANVIL_ACCOUNT_XPUB });
    expect(restored.next_index).toBe(3 + 50);
    expect((await create("anvil", "ETH")).address).toBe(deriveDepositAddress(restored, anvil, 53));
  });
});
