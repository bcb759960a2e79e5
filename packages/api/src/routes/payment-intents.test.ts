import { reconcileIntent } from "@paygate/shared";
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

const ethIntent = { amount: "0.25", currency: "ETH", asset: "ETH", chain: "anvil" };

beforeAll(async () => {
  api = await startTestApi();
  request = apiClient(
    api.url,
    (await createTestMerchant(api.db, { toleranceBps: 50, monitoringWindowS: 3600 })).apiKey,
  );
});

afterAll(() => api?.close());

describe("POST /v1/payment-intents", () => {
  it("creates an intent with everything the contract lists", async () => {
    const before = Date.now();
    const answer = await request("POST", "/v1/payment-intents", {
      body: {
        ...ethIntent,
        order_id: "ord_1",
        metadata: { customer: "c_1" },
        expires_in: 600,
        confirmations: 5,
      },
    });
    expect(answer.status).toBe(201);
    const intent = answer.body;
    expect(intent).toMatchObject({
      object: "payment_intent",
      status: "awaiting_payment",
      chain: "anvil",
      asset: "ETH",
      address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
      overpaid_amount: null,
      late: false,
      confirmations: 0,
      required_confirmations: 5,
      price: { amount: "0.25", currency: "ETH" },
      quote: { rate: "1", source: "none" },
      payments: [],
      order_id: "ord_1",
      metadata: { customer: "c_1" },
      confirmed_at: null,
      canceled_at: null,
    });
    expect([intent.amount_due, intent.amount_received, intent.amount_confirmed].map(decimalValue)).toEqual([
      "0.25",
      "0",
      "0",
    ]);
    expect(intent.id).toMatch(/^pi_[0-9A-Z]{26}$/);
    expect(intent.checkout_url).toBe(`https://gateway.test/pay/${intent.id}`);
    expect(intent.payment_uri).toBe(
      "ethereum:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266@31337?value=250000000000000000",
    );
    const expiresAt = Date.parse(intent.expires_at);
    expect(expiresAt - Date.parse(intent.created_at)).toBe(600_000);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(Date.parse(intent.monitoring_ends_at) - expiresAt).toBe(3_600_000);

    const row = await api.db
      .selectFrom("payment_intents")
      .selectAll()
      .where("id", "=", intent.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      derivation_index: 0,
      underpayment_tolerance_bps: 50,
      amount_due: 250_000_000_000_000_000n,
    });
  });

  it("defaults to a 900 s expiry and the chain's confirmation threshold", async () => {
    const answer = await request("POST", "/v1/payment-intents", {
      body: { amount: "30", currency: "USD", asset: "ETH", chain: "anvil" },
    });
    expect(answer.status).toBe(201);
    expect(Date.parse(answer.body.expires_at) - Date.parse(answer.body.created_at)).toBe(900_000);
    expect(answer.body.required_confirmations).toBe(2);
    expect(decimalValue(answer.body.amount_due)).toBe("0.01");
    expect(answer.body.quote).toMatchObject({ rate: "3000", source: "fixed" });
  });

  it("answers 422 wallet_missing for a family the merchant has no wallet for", async () => {
    const answer = await request("POST", "/v1/payment-intents", {
      body: { amount: "0.001", currency: "BTC", asset: "BTC", chain: "bitcoin-regtest" },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ type: "invalid_request", code: "wallet_missing" });
  });
});

describe("GET /v1/payment-intents/:id", () => {
  it("returns the intent, and 404 for an unknown id", async () => {
    const created = await request("POST", "/v1/payment-intents", { body: ethIntent });
    const read = await request("GET", `/v1/payment-intents/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    const missing = await request("GET", "/v1/payment-intents/pi_01ARZ3NDEKTSV4RRFFQ69G5FAV");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ type: "not_found", code: "resource_missing" });
  });
});

describe("POST /v1/payment-intents/:id/cancel", () => {
  it("cancels an intent awaiting payment, then refuses with 409", async () => {
    const created = await request("POST", "/v1/payment-intents", { body: ethIntent });
    const canceled = await request("POST", `/v1/payment-intents/${created.body.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe("canceled");
    expect(canceled.body.canceled_at).not.toBeNull();
    const again = await request("POST", `/v1/payment-intents/${created.body.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ type: "conflict", code: "intent_not_cancelable" });
    const events = await api.db
      .selectFrom("events")
      .select("type")
      .where("intent_id", "=", created.body.id)
      .execute();
    expect(events.map((event) => event.type)).toEqual(["payment.canceled"]);
  });

  it("refuses to cancel a pending intent", async () => {
    const created = await request("POST", "/v1/payment-intents", { body: ethIntent });
    await reconcileIntent(
      api.db,
      {
        chains: new Map(api.config.chains.map((chain) => [chain.id, chain])),
        publicUrl: api.config.publicUrl,
      },
      {
        intentId: created.body.id,
        cause: "test",
        observations: [
          {
            txHash: `0x${"ab".repeat(32)}`,
            index: 0,
            amount: 1n,
            blockNumber: null,
            blockHash: null,
            blockTimestamp: null,
            vanished: false,
          },
        ],
      },
    );
    const answer = await request("POST", `/v1/payment-intents/${created.body.id}/cancel`);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe("intent_not_cancelable");
    const read = await request("GET", `/v1/payment-intents/${created.body.id}`);
    expect(read.body.status).toBe("pending");
    expect(read.body.payments).toHaveLength(1);
    expect(decimalValue(read.body.amount_received)).toBe("0.000000000000000001");
  });

  it("answers 404 for an unknown intent and rejects a body with unknown fields", async () => {
    expect((await request("POST", "/v1/payment-intents/pi_01ARZ3NDEKTSV4RRFFQ69G5FAV/cancel")).status).toBe(
      404,
    );
    const created = await request("POST", "/v1/payment-intents", { body: ethIntent });
    const answer = await request("POST", `/v1/payment-intents/${created.body.id}/cancel`, {
      body: { reason: "x" },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("parameter_unknown");
  });
});

describe("GET /v1/payment-intents", () => {
  it("pages newest first with limit, starting_after and has_more, and filters", async () => {
    const fresh = await createTestMerchant(api.db, {
      name: "Pager",
      evmXpub:
        "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt",
    });
    const pager = apiClient(api.url, fresh.apiKey);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const created = await pager("POST", "/v1/payment-intents", {
        body: { ...ethIntent, order_id: i % 2 ? "odd" : "even" },
      });
      ids.push(created.body.id);
    }
    const newestFirst = [...ids].reverse();

    const first = await pager("GET", "/v1/payment-intents?limit=2");
    expect(first.body).toMatchObject({ object: "list", has_more: true });
    expect(first.body.data.map((intent: { id: string }) => intent.id)).toEqual(newestFirst.slice(0, 2));
    const second = await pager("GET", `/v1/payment-intents?limit=2&starting_after=${newestFirst[1]}`);
    expect(second.body.data.map((intent: { id: string }) => intent.id)).toEqual(newestFirst.slice(2, 4));
    expect(second.body.has_more).toBe(true);
    const last = await pager("GET", `/v1/payment-intents?limit=2&starting_after=${newestFirst[3]}`);
    expect(last.body.data.map((intent: { id: string }) => intent.id)).toEqual(newestFirst.slice(4));
    expect(last.body.has_more).toBe(false);

    const all = await pager("GET", "/v1/payment-intents");
    expect(all.body.data).toHaveLength(5);
    expect(all.body.has_more).toBe(false);

    const odd = await pager("GET", "/v1/payment-intents?order_id=odd");
    expect(odd.body.data.map((intent: { id: string }) => intent.id)).toEqual([ids[3], ids[1]]);

    await pager("POST", `/v1/payment-intents/${ids[0]}/cancel`);
    const canceled = await pager("GET", "/v1/payment-intents?status=canceled");
    expect(canceled.body.data.map((intent: { id: string }) => intent.id)).toEqual([ids[0]]);
    const awaiting = await pager("GET", "/v1/payment-intents?status=awaiting_payment&limit=100");
    expect(awaiting.body.data).toHaveLength(4);
  });

  it("orders by creation time then id, and its cursor walks rows made in the same instant once each", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const created = await request("POST", "/v1/payment-intents", {
        body: { ...ethIntent, order_id: "same-instant" },
      });
      ids.push(created.body.id);
    }
    // two instants, each shared by three rows; the lower ids made later, so id order is not creation order
    const byId = [...ids].sort();
    const later = byId.slice(0, 3);
    const earlier = byId.slice(3);
    await api.db
      .updateTable("payment_intents")
      .set({ created_at: new Date("2026-01-01T00:00:01.000Z") })
      .where("id", "in", later)
      .execute();
    await api.db
      .updateTable("payment_intents")
      .set({ created_at: new Date("2026-01-01T00:00:00.000Z") })
      .where("id", "in", earlier)
      .execute();
    const expected = [...later.reverse(), ...earlier.reverse()];

    const walked: string[] = [];
    let cursor = "";
    for (let page = 0; page < 10; page += 1) {
      const answer = await request("GET", `/v1/payment-intents?order_id=same-instant&limit=2${cursor}`);
      walked.push(...answer.body.data.map((intent: { id: string }) => intent.id));
      if (!answer.body.has_more) break;
      cursor = `&starting_after=${walked.at(-1)}`;
    }
    expect(walked).toEqual(expected);
  });

  it.each([
    ["limit=0", "parameter_invalid", "limit"],
    ["limit=101", "parameter_invalid", "limit"],
    ["limit=abc", "parameter_invalid", "limit"],
    ["status=paid", "parameter_invalid", "status"],
    ["colour=red", "parameter_unknown", "colour"],
    ["limit=1&limit=2", "parameter_invalid", "limit"],
  ])("rejects ?%s", async (query, code, param) => {
    const answer = await request("GET", `/v1/payment-intents?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: "invalid_request", code, param });
  });
});
