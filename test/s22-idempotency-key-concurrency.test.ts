import { apiClient, createTestMerchant, startTestApi, type TestApi } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * S22: the same Idempotency-Key sent 20 times at once creates exactly one intent; every answer is its replay or
 * 409 idempotency_key_in_use; afterwards a replay returns it; another body under the key is 422.
 */
let api: TestApi;
let request: ReturnType<typeof apiClient>;

beforeAll(async () => {
  api = await startTestApi();
  const merchant = await createTestMerchant(api.db);
  request = apiClient(api.url, merchant.apiKey);
});

afterAll(() => api?.close());

const body = { amount: "49.00", currency: "USD", asset: "ETH", chain: "anvil", order_id: "ord_22" };

describe("S22 Idempotency-Key under concurrency", () => {
  it("creates one intent for 20 concurrent identical requests", async () => {
    const headers = { "Idempotency-Key": "s22-order-22" };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => request("POST", "/v1/payment-intents", { body, headers })),
    );
    const created = answers.filter((answer) => answer.status === 201);
    const inUse = answers.filter((answer) => answer.status === 409);
    expect(created.length + inUse.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const answer of inUse) expect(answer.body.error.code).toBe("idempotency_key_in_use");
    const ids = new Set(created.map((answer) => answer.body.id));
    expect(ids.size).toBe(1);
    // replays are the first answer, byte for byte
    for (const answer of created) expect(answer.text).toBe(created[0]!.text);

    const rows = await api.db.selectFrom("payment_intents").select("id").execute();
    expect(rows.map((row) => row.id)).toEqual([...ids]);

    const replay = await request("POST", "/v1/payment-intents", { body, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.text).toBe(created[0]!.text);

    // key order and whitespace do not make a different body
    const reordered = `{"chain":"anvil","order_id":"ord_22",  "asset":"ETH","currency":"USD","amount":"49.00"}`;
    const replayReordered = await request("POST", "/v1/payment-intents", {
      rawBody: reordered,
      headers: { ...headers, "content-type": "application/json" },
    });
    expect(replayReordered.status).toBe(201);
    expect(replayReordered.body.id).toBe(created[0]!.body.id);

    const other = await request("POST", "/v1/payment-intents", {
      body: { ...body, amount: "50.00" },
      headers,
    });
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ type: "invalid_request", code: "idempotency_key_reused" });
    expect(await api.db.selectFrom("payment_intents").select("id").execute()).toHaveLength(1);
  });

  it("keys belong to one merchant: another merchant's same key is a new request", async () => {
    const other = await createTestMerchant(api.db, { name: "Other shop", evmXpub: null });
    const answer = await apiClient(api.url, other.apiKey)("POST", "/v1/payment-intents", {
      body,
      headers: { "Idempotency-Key": "s22-order-22" },
    });
    // the other merchant has no wallet: its own request runs (and fails on its own terms), no replay
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe("wallet_missing");
  });

  it("does not store failures: a corrected retry with the same key succeeds", async () => {
    const headers = { "Idempotency-Key": "s22-retry" };
    const failed = await request("POST", "/v1/payment-intents", {
      body: { ...body, chain: "nowhere" },
      headers,
    });
    expect(failed.status).toBe(422);
    const invalid = await request("POST", "/v1/payment-intents", { body: { ...body, amount: 49 }, headers });
    expect(invalid.status).toBe(400);
    const ok = await request("POST", "/v1/payment-intents", {
      body: { ...body, order_id: "ord_retry" },
      headers,
    });
    expect(ok.status).toBe(201);
  });

  it("ignores keys older than 24 hours", async () => {
    const headers = { "Idempotency-Key": "s22-old" };
    const first = await request("POST", "/v1/payment-intents", { body, headers });
    expect(first.status).toBe(201);
    await api.db
      .updateTable("idempotency_keys")
      .set({ created_at: new Date(Date.now() - 25 * 60 * 60 * 1000) })
      .where("key", "=", "s22-old")
      .execute();
    const second = await request("POST", "/v1/payment-intents", {
      body: { ...body, amount: "1.00" },
      headers,
    });
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it("refuses an over-long key", async () => {
    const answer = await request("POST", "/v1/payment-intents", {
      body,
      headers: { "Idempotency-Key": "k".repeat(256) },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "parameter_invalid", param: "Idempotency-Key" });
  });
});
