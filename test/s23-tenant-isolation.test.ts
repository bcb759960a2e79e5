import { createEndpoint, newId, serializeEventBody } from "@paygate/shared";
import { apiClient, createTestMerchant, startTestApi, type TestApi } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * S23: merchant A cannot see, cancel or list merchant B's intents, events or endpoints: 404 for B's ids (the
 * same answer as an id that does not exist, never 403), and B's objects never appear in A's lists.
 */
let api: TestApi;
let asA: ReturnType<typeof apiClient>;
let asB: ReturnType<typeof apiClient>;
let intentB: string;
let endpointB: string;
let eventB: string;

beforeAll(async () => {
  api = await startTestApi();
  const a = await createTestMerchant(api.db, { name: "A" });
  // B has its own EVM key: the BIP39 test mnemonic (abandon ... about) at m/44'/60'/0'
  const b = await createTestMerchant(api.db, {
    name: "B",
    evmXpub:
      "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt",
  });
  asA = apiClient(api.url, a.apiKey);
  asB = apiClient(api.url, b.apiKey);

  const created = await asB("POST", "/v1/payment-intents", {
    body: { amount: "0.5", currency: "ETH", asset: "ETH", chain: "anvil", order_id: "b-order" },
  });
  expect(created.status).toBe(201);
  intentB = created.body.id;
  const endpoint = await createEndpoint(
    api.db,
    b.merchantId,
    { url: "https://b.example/hooks" },
    { env: "test", allowedCidrs: [], resolveHost: async () => [{ address: "93.184.216.34", family: 4 }] },
  );
  endpointB = endpoint.id;
  eventB = newId("evt");
  await api.db
    .insertInto("events")
    .values({
      id: eventB,
      merchant_id: b.merchantId,
      intent_id: intentB,
      type: "payment.pending",
      sequence: 1,
      dedupe_key: `s23:${eventB}`,
      body: serializeEventBody({ id: eventB, type: "payment.pending", createdAt: new Date(), data: {} }),
      relayed_at: new Date(),
    })
    .execute();
});

afterAll(() => api?.close());

describe("S23 tenant isolation", () => {
  it.each([
    ["GET", () => `/v1/payment-intents/${intentB}`],
    ["POST", () => `/v1/payment-intents/${intentB}/cancel`],
    ["GET", () => `/v1/events/${eventB}`],
    ["GET", () => `/v1/events/${eventB}/deliveries`],
    ["POST", () => `/v1/events/${eventB}/redeliver`],
    ["GET", () => `/v1/webhook-endpoints/${endpointB}`],
    ["PATCH", () => `/v1/webhook-endpoints/${endpointB}`],
    ["DELETE", () => `/v1/webhook-endpoints/${endpointB}`],
    ["POST", () => `/v1/webhook-endpoints/${endpointB}/rotate-secret`],
    ["POST", () => `/v1/webhook-endpoints/${endpointB}/test`],
  ])("%s %s of merchant B answers 404 to merchant A", async (method, path) => {
    const body = method === "PATCH" ? { enabled: false } : method === "POST" ? {} : undefined;
    const answer = await asA(method, path(), { body });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ type: "not_found", code: "resource_missing" });
    // exactly the answer for an id that does not exist
    const missing = await asA(method, path().replace(/_[0-9A-Z]{26}/, "_01ARZ3NDEKTSV4RRFFQ69G5FAV"), {
      body,
    });
    expect(missing.status).toBe(404);
    expect(Object.keys(missing.body.error)).toEqual(Object.keys(answer.body.error));
  });

  it("recover on B's endpoint is 404 for A", async () => {
    const answer = await asA("POST", `/v1/webhook-endpoints/${endpointB}/recover`, {
      body: { since: new Date(Date.now() - 3600_000).toISOString() },
    });
    expect(answer.status).toBe(404);
  });

  it("A's lists never include B's objects, whatever the filters", async () => {
    for (const path of [
      "/v1/payment-intents",
      "/v1/payment-intents?order_id=b-order",
      "/v1/events",
      `/v1/events?payment_intent=${intentB}`,
      "/v1/webhook-endpoints",
    ]) {
      const answer = await asA("GET", path);
      expect(answer.status, path).toBe(200);
      expect(answer.body.data, path).toEqual([]);
    }
  });

  it("B still sees and owns its objects, untouched by A's attempts", async () => {
    const intent = await asB("GET", `/v1/payment-intents/${intentB}`);
    expect(intent.body.status).toBe("awaiting_payment");
    const endpoint = await asB("GET", `/v1/webhook-endpoints/${endpointB}`);
    expect(endpoint.body.enabled).toBe(true);
    const events = await asB("GET", "/v1/events");
    expect(events.body.data.map((event: { id: string }) => event.id)).toEqual([eventB]);
    const intents = await asB("GET", "/v1/payment-intents");
    expect(intents.body.data.map((item: { id: string }) => item.id)).toEqual([intentB]);
  });
});
