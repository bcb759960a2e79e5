import { apiClient, createTestMerchant, startTestApi, type TestApi } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * S24: malformed input gets a 4xx with a stable code and writes nothing: bad JSON, wrong types, negative or too
 * precise amounts, unknown asset, chain/asset mismatch, oversize body, unicode in metadata.
 */
let api: TestApi;
let request: ReturnType<typeof apiClient>;

const valid = { amount: "49.00", currency: "USD", asset: "ETH", chain: "anvil" };

beforeAll(async () => {
  api = await startTestApi();
  request = apiClient(api.url, (await createTestMerchant(api.db)).apiKey);
});

afterAll(() => api?.close());

async function intentCount(): Promise<number> {
  const rows = await api.db.selectFrom("payment_intents").select("id").execute();
  return rows.length;
}

async function nextIndex(): Promise<number> {
  const wallet = await api.db.selectFrom("wallets").select("next_index").executeTakeFirstOrThrow();
  return wallet.next_index;
}

const cases: [string, unknown, number, string, string?][] = [
  ["amount as a JSON number", { ...valid, amount: 49 }, 400, "parameter_invalid", "amount"],
  ["a negative amount", { ...valid, amount: "-1.00" }, 400, "parameter_invalid", "amount"],
  ["a zero amount", { ...valid, amount: "0.00" }, 400, "parameter_invalid", "amount"],
  ["an amount in exponent form", { ...valid, amount: "1e3" }, 400, "parameter_invalid", "amount"],
  [
    "an amount finer than the asset's base unit",
    { ...valid, currency: "ETH", amount: "0.0000000000000000001" },
    422,
    "invalid_amount",
    "amount",
  ],
  ["a fiat amount finer than cents", { ...valid, amount: "49.001" }, 422, "invalid_amount", "amount"],
  ["a missing amount", { currency: "USD", asset: "ETH", chain: "anvil" }, 400, "parameter_missing", "amount"],
  ["an unknown field", { ...valid, colour: "red" }, 400, "parameter_unknown", "colour"],
  ["an unknown asset", { ...valid, asset: "DOGE" }, 422, "asset_not_supported", "asset"],
  ["an asset of another chain", { ...valid, asset: "BTC" }, 422, "asset_not_supported", "asset"],
  ["an unknown chain", { ...valid, chain: "solana" }, 422, "chain_not_supported", "chain"],
  ["a chain without RPC endpoints", { ...valid, chain: "ethereum" }, 422, "chain_not_supported", "chain"],
  ["a lower-case currency", { ...valid, currency: "usd" }, 400, "parameter_invalid", "currency"],
  [
    "a currency that is another asset",
    { ...valid, currency: "BTC" },
    422,
    "currency_not_supported",
    "currency",
  ],
  ["expires_in below 60", { ...valid, expires_in: 59 }, 400, "parameter_invalid", "expires_in"],
  ["expires_in above a day", { ...valid, expires_in: 86_401 }, 400, "parameter_invalid", "expires_in"],
  ["expires_in as a string", { ...valid, expires_in: "900" }, 400, "parameter_invalid", "expires_in"],
  [
    "fewer confirmations than the chain needs",
    { ...valid, confirmations: 1 },
    422,
    "confirmations_too_low",
    "confirmations",
  ],
  [
    "a fractional confirmation count",
    { ...valid, confirmations: 2.5 },
    400,
    "parameter_invalid",
    "confirmations",
  ],
  ["metadata with a number value", { ...valid, metadata: { n: 1 } }, 400, "parameter_invalid", "metadata.n"],
  ["metadata as an array", { ...valid, metadata: ["a"] }, 400, "parameter_invalid", "metadata"],
  [
    "metadata with 21 keys",
    { ...valid, metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"])) },
    400,
    "parameter_invalid",
    "metadata",
  ],
  [
    "a metadata key over 40 characters",
    { ...valid, metadata: { ["k".repeat(41)]: "v" } },
    400,
    "parameter_invalid",
  ],
  [
    "a metadata value over 500 characters",
    { ...valid, metadata: { note: "é".repeat(501) } },
    400,
    "parameter_invalid",
    "metadata.note",
  ],
  [
    "metadata with a NUL character",
    { ...valid, metadata: { note: "a\u0000b" } },
    400,
    "parameter_invalid",
    "metadata.note",
  ],
  [
    "metadata with a lone surrogate",
    { ...valid, metadata: { note: "\ud800" } },
    400,
    "parameter_invalid",
    "metadata.note",
  ],
  [
    "metadata of 20 long multi-byte values",
    {
      ...valid,
      metadata: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "漢".repeat(500)])),
    },
    400,
    "parameter_invalid",
    "metadata",
  ],
  ["an order_id of the wrong type", { ...valid, order_id: 42 }, 400, "parameter_invalid", "order_id"],
  ["a body that is an array", [valid], 400, "parameter_invalid"],
  ["a null body", null, 400, "invalid_json"],
];

describe("S24 malformed input", () => {
  it.each(cases)("rejects %s", async (_name, body, status, code, param) => {
    const [countBefore, indexBefore] = [await intentCount(), await nextIndex()];
    const answer = await request("POST", "/v1/payment-intents", {
      rawBody: JSON.stringify(body),
      headers: { "content-type": "application/json", "Idempotency-Key": `s24-${code}-${param}` },
    });
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
    expect(answer.body.error.type).toBe("invalid_request");
    expect(typeof answer.body.error.message).toBe("string");
    if (param) expect(answer.body.error.param).toBe(param);
    expect(await intentCount()).toBe(countBefore);
    expect(await nextIndex()).toBe(indexBefore);
    // nothing kept under the idempotency key either
    expect(await api.db.selectFrom("idempotency_keys").select("key").execute()).toEqual([]);
  });

  it.each([
    ["truncated JSON", '{"amount":"49.00",', "application/json", 400, "invalid_json"],
    ["garbage", "not json at all", "application/json", 400, "invalid_json"],
    ["a JSON string", '"hello"', "application/json", 400, "invalid_json"],
    ["a form body", "amount=49", "application/x-www-form-urlencoded", 415, "unsupported_media_type"],
    ["a text body", "hello", "text/plain", 415, "unsupported_media_type"],
    [
      "a non-UTF-8 charset",
      JSON.stringify(valid),
      "application/json; charset=latin1",
      415,
      "unsupported_media_type",
    ],
  ])("rejects %s", async (_name, rawBody, contentType, status, code) => {
    const before = await intentCount();
    const answer = await request("POST", "/v1/payment-intents", {
      rawBody,
      headers: { "content-type": contentType },
    });
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
    expect(await intentCount()).toBe(before);
  });

  it("rejects bodies over 64 KiB with 413", async () => {
    const answer = await request("POST", "/v1/payment-intents", {
      body: { ...valid, metadata: { note: "x".repeat(70 * 1024) } },
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ type: "invalid_request", code: "body_too_large" });
    expect(await intentCount()).toBe(0);
  });

  it("accepts well-formed unicode in metadata and returns it unchanged", async () => {
    const metadata = { 客户: "Zoë 🚀 ñandú", emoji: "👩‍💻".repeat(50), rtl: "مرحبا" };
    const answer = await request("POST", "/v1/payment-intents", {
      body: { ...valid, metadata, order_id: "ordré-1" },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.metadata).toEqual(metadata);
    const read = await request("GET", `/v1/payment-intents/${answer.body.id}`);
    expect(read.body.metadata).toEqual(metadata);
    expect(read.body.order_id).toBe("ordré-1");
  });

  it("accepts the largest metadata the contract allows: 20 keys of 40 characters, values of 500", async () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`${i}`.padStart(40, "k"), "v".repeat(500)]),
    );
    const answer = await request("POST", "/v1/payment-intents", { body: { ...valid, metadata } });
    expect(answer.status).toBe(201);
    expect(answer.body.metadata).toEqual(metadata);
  });

  it("never answers with a stack trace", async () => {
    const answer = await request("POST", "/v1/payment-intents", {
      rawBody: "{",
      headers: { "content-type": "application/json" },
    });
    expect(answer.text).not.toMatch(/at .*\.ts:\d+|node_modules|SyntaxError/);
  });
});
