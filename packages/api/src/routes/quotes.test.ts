import {
  type ApiRequest,
  apiClient,
  createTestMerchant,
  decimalValue,
  startTestApi,
  type TestApi,
} from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let api: TestApi;
let request: ApiRequest;

beforeAll(async () => {
  // a chain file would do the same; env keeps the test self-contained: base gets an RPC URL, so it is offered
  api = await startTestApi({ env: { RPC_URL_BASE: "http://127.0.0.1:1" } });
  request = apiClient(api.url, (await createTestMerchant(api.db)).apiKey);
});

afterAll(() => api?.close());

describe("GET /v1/quotes", () => {
  it("converts a fiat price at the provider's rate", async () => {
    const answer = await request("GET", "/v1/quotes?amount=49.00&currency=USD&asset=ETH&chain=anvil");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      object: "quote",
      chain: "anvil",
      asset: "ETH",
      price: { amount: "49.00", currency: "USD" },
      rate: "3000",
      source: "fixed",
    });
    expect(answer.body.amount).toBe("0.016333333333333334");
    expect(Number.isNaN(Date.parse(answer.body.quoted_at))).toBe(false);
    expect(answer.body.address).toBeUndefined();
  });

  it("prices a pegged stablecoin 1:1 against its peg without a provider", async () => {
    const answer = await request("GET", "/v1/quotes?amount=49&currency=USD&asset=USDC&chain=base");
    expect(answer.body).toMatchObject({ rate: "1", source: "peg" });
    expect(decimalValue(answer.body.amount)).toBe("49");
  });

  it("needs a rate for a stablecoin in another fiat currency", async () => {
    const answer = await request("GET", "/v1/quotes?amount=49&currency=EUR&asset=USDC&chain=base");
    expect(answer.status).toBe(503);
    expect(answer.body.error).toMatchObject({ type: "internal", code: "rate_unavailable" });
  });

  it("takes the asset's own symbol as no conversion", async () => {
    const answer = await request("GET", "/v1/quotes?amount=1.5&currency=ETH&asset=ETH&chain=anvil");
    expect(answer.body).toMatchObject({ rate: "1", source: "none" });
    expect(decimalValue(answer.body.amount)).toBe("1.5");
  });

  it.each([
    ["amount=49&currency=USD&asset=ETH", 400, "parameter_missing"],
    ["amount=-1&currency=USD&asset=ETH&chain=anvil", 400, "parameter_invalid"],
    ["amount=49&currency=USD&asset=ETH&chain=bitcoin", 422, "asset_not_supported"],
    ["amount=49&currency=USD&asset=ETH&chain=ethereum", 422, "chain_not_supported"],
    ["amount=49&currency=USD&asset=ETH&chain=anvil&address=x", 400, "parameter_unknown"],
  ])("rejects ?%s", async (query, status, code) => {
    const answer = await request("GET", `/v1/quotes?${query}`);
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
  });
});

describe("GET /v1/assets", () => {
  it("lists every asset of every enabled chain, and nothing of disabled ones", async () => {
    const answer = await request("GET", "/v1/assets");
    expect(answer.status).toBe(200);
    expect(answer.body.object).toBe("list");
    expect(answer.body.data).toContainEqual({
      chain: "anvil",
      asset: "ETH",
      type: "native",
      decimals: 18,
      required_confirmations: 2,
    });
    expect(answer.body.data).toContainEqual({
      chain: "base",
      asset: "USDC",
      type: "erc20",
      decimals: 6,
      contract: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
      required_confirmations: 40,
    });
    expect(answer.body.data).toContainEqual({
      chain: "bitcoin-regtest",
      asset: "BTC",
      type: "native",
      decimals: 8,
      required_confirmations: 1,
    });
    const chains = new Set(answer.body.data.map((asset: { chain: string }) => asset.chain));
    expect([...chains].sort()).toEqual(["anvil", "base", "bitcoin", "bitcoin-regtest"]);
  });
});

describe("production without RATES_PROVIDER", () => {
  let production: TestApi;
  let merchantRequest: ApiRequest;

  beforeAll(async () => {
    production = await startTestApi({
      env: {
        PAYGATE_ENV: "production",
        RATES_PROVIDER: "", // unset, as compose passes it
        RPC_URL_ANVIL: "http://127.0.0.1:1",
        RPC_URL_BASE: "http://127.0.0.1:1",
      },
    });
    merchantRequest = apiClient(production.url, (await createTestMerchant(production.db)).apiKey);
  });

  afterAll(() => production?.close());

  it("refuses a fiat price with a clear error instead of quoting a fixed rate, and writes nothing", async () => {
    const body = { amount: "49.00", currency: "USD", asset: "ETH", chain: "anvil" };
    const quote = await merchantRequest("GET", "/v1/quotes?amount=49.00&currency=USD&asset=ETH&chain=anvil");
    const intent = await merchantRequest("POST", "/v1/payment-intents", { body });
    for (const answer of [quote, intent]) {
      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatchObject({
        type: "invalid_request",
        code: "rates_provider_missing",
        param: "currency",
      });
      expect(answer.body.error.message).toContain("RATES_PROVIDER");
    }
    const written = await production.db.selectFrom("payment_intents").select("id").execute();
    expect(written).toEqual([]);
  });

  it("still takes prices in the asset itself and pegged stablecoins at their peg", async () => {
    const inEth = await merchantRequest("POST", "/v1/payment-intents", {
      body: { amount: "0.5", currency: "ETH", asset: "ETH", chain: "anvil" },
    });
    expect(inEth.status).toBe(201);
    const pegged = await merchantRequest("GET", "/v1/quotes?amount=49&currency=USD&asset=USDC&chain=base");
    expect(pegged.status).toBe(200);
    expect(pegged.body.source).not.toBe("fixed");
  });
});
