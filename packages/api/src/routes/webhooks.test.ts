import { type ApiRequest, apiClient, createTestMerchant, startTestApi, type TestApi } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Webhook endpoints and events through HTTP (the delivery engine itself is the dispatcher's). */
let api: TestApi;
let request: ApiRequest;

// a public IP literal: production-style URL checks pass without DNS
const hookUrl = "https://93.184.216.34/hooks/paygate";

beforeAll(async () => {
  api = await startTestApi();
  request = apiClient(api.url, (await createTestMerchant(api.db)).apiKey);
});

afterAll(() => api?.close());

describe("webhook endpoints", () => {
  it("create, read, list, update, rotate, delete", async () => {
    const created = await request("POST", "/v1/webhook-endpoints", {
      body: { url: hookUrl, events: ["payment.confirmed", "payment.canceled"], description: "shop" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: "webhook_endpoint",
      url: hookUrl,
      events: ["payment.confirmed", "payment.canceled"],
      description: "shop",
      enabled: true,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const id = created.body.id as string;

    const read = await request("GET", `/v1/webhook-endpoints/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    expect(read.body.id).toBe(id);

    const second = await request("POST", "/v1/webhook-endpoints", { body: { url: `${hookUrl}/2` } });
    expect(second.body.events).toEqual(["*"]);
    const page = await request("GET", "/v1/webhook-endpoints?limit=1");
    expect(page.body).toMatchObject({ object: "list", has_more: true });
    expect(page.body.data.map((endpoint: { id: string }) => endpoint.id)).toEqual([second.body.id]);
    const rest = await request("GET", `/v1/webhook-endpoints?limit=1&starting_after=${second.body.id}`);
    expect(rest.body.data.map((endpoint: { id: string }) => endpoint.id)).toEqual([id]);
    expect(rest.body.has_more).toBe(false);

    const updated = await request("PATCH", `/v1/webhook-endpoints/${id}`, {
      body: { enabled: false, events: ["*"] },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ enabled: false, events: ["*"] });

    const rotated = await request("POST", `/v1/webhook-endpoints/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    const deleted = await request("DELETE", `/v1/webhook-endpoints/${id}`);
    expect(deleted.body).toEqual({ id, object: "webhook_endpoint", deleted: true });
    expect((await request("GET", `/v1/webhook-endpoints/${id}`)).status).toBe(404);
    expect((await request("DELETE", `/v1/webhook-endpoints/${id}`)).status).toBe(404);
  });

  it.each([
    [{ url: hookUrl, events: ["payment.paid"] }, 400, "parameter_invalid", "events[0]"],
    [{ url: hookUrl, events: ["*", "payment.pending"] }, 400, "parameter_invalid", "events"],
    [{ url: hookUrl, events: [] }, 400, "parameter_invalid", "events"],
    [{ url: hookUrl, events: ["payment.pending", "payment.pending"] }, 400, "parameter_invalid", "events"],
    [{ events: ["*"] }, 400, "parameter_missing", "url"],
    [{ url: hookUrl, secret: "mine" }, 400, "parameter_unknown", "secret"],
    [{ url: "http://93.184.216.34/hooks" }, 422, "url_not_allowed", "url"],
    [{ url: "https://127.0.0.1/hooks" }, 422, "url_not_allowed", "url"],
    [{ url: "https://169.254.169.254/latest" }, 422, "url_not_allowed", "url"],
    [{ url: "not a url" }, 422, "url_not_allowed", "url"],
  ])("refuses %j", async (body, status, code, param) => {
    const before = await api.db.selectFrom("webhook_endpoints").select("id").execute();
    const answer = await request("POST", "/v1/webhook-endpoints", { body });
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code, param });
    expect(await api.db.selectFrom("webhook_endpoints").select("id").execute()).toEqual(before);
  });

  it("refuses bad updates", async () => {
    const created = await request("POST", "/v1/webhook-endpoints", { body: { url: hookUrl } });
    const answer = await request("PATCH", `/v1/webhook-endpoints/${created.body.id}`, {
      body: { enabled: "yes" },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "parameter_invalid", param: "enabled" });
    const url = await request("PATCH", `/v1/webhook-endpoints/${created.body.id}`, {
      body: { url: "https://10.0.0.1/x" },
    });
    expect(url.status).toBe(422);
    expect(url.body.error.code).toBe("url_not_allowed");
  });
});

describe("test, events, deliveries, redeliver, recover", () => {
  it("walks an event from creation to redelivery", async () => {
    const endpoint = await request("POST", "/v1/webhook-endpoints", { body: { url: `${hookUrl}/flow` } });
    const tested = await request("POST", `/v1/webhook-endpoints/${endpoint.body.id}/test`);
    expect(tested.status).toBe(202);
    expect(tested.body).toMatchObject({ object: "event", type: "webhook.test" });

    const intent = await request("POST", "/v1/payment-intents", {
      body: { amount: "0.1", currency: "ETH", asset: "ETH", chain: "anvil" },
    });
    await request("POST", `/v1/payment-intents/${intent.body.id}/cancel`);

    const all = await request("GET", "/v1/events");
    expect(all.status).toBe(200);
    expect(all.body.data.map((event: { type: string }) => event.type)).toEqual([
      "payment.canceled",
      "webhook.test",
    ]);
    const byType = await request("GET", "/v1/events?type=webhook.test");
    expect(byType.body.data.map((event: { id: string }) => event.id)).toEqual([tested.body.id]);
    const byIntent = await request("GET", `/v1/events?payment_intent=${intent.body.id}`);
    expect(byIntent.body.data).toHaveLength(1);
    const canceled = byIntent.body.data[0];
    expect(canceled.data.payment_intent).toMatchObject({ id: intent.body.id, status: "canceled" });
    const paged = await request("GET", "/v1/events?limit=1");
    expect(paged.body.has_more).toBe(true);

    // one event: the list's fields plus `body`, the stored bytes, which parse to the same event
    const one = await request("GET", `/v1/events/${canceled.id}`);
    const { body, ...fields } = one.body;
    expect(fields).toEqual(canceled);
    const { object: _object, ...sent } = canceled;
    expect(JSON.parse(body)).toEqual(sent);

    const attempts = await request("GET", `/v1/events/${canceled.id}/deliveries`);
    expect(attempts.status).toBe(200);
    expect(attempts.body).toMatchObject({ object: "list", data: [] });

    const redelivered = await request("POST", `/v1/events/${canceled.id}/redeliver`, {
      body: { endpoint_id: endpoint.body.id },
    });
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toMatchObject({
      object: "redelivery",
      deliveries: [expect.stringMatching(/^dlv_/)],
    });
    const toAll = await request("POST", `/v1/events/${canceled.id}/redeliver`);
    expect(toAll.status).toBe(202);

    const recovered = await request("POST", `/v1/webhook-endpoints/${endpoint.body.id}/recover`, {
      body: { since: new Date(Date.now() - 3_600_000).toISOString() },
    });
    expect(recovered.status).toBe(202);
    expect(recovered.body).toMatchObject({ object: "recovery", deliveries: expect.any(Number) });
  });

  it.each([
    ["/v1/events?type=payment.paid", "parameter_invalid", "type"],
    ["/v1/events?limit=500", "parameter_invalid", "limit"],
    ["/v1/events?intent=pi_1", "parameter_unknown", "intent"],
  ])("refuses %s", async (path, code, param) => {
    const answer = await request("GET", path);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code, param });
  });

  it("refuses bad recovery windows", async () => {
    const endpoint = await request("POST", "/v1/webhook-endpoints", { body: { url: `${hookUrl}/window` } });
    const path = `/v1/webhook-endpoints/${endpoint.body.id}/recover`;
    const notTime = await request("POST", path, { body: { since: "yesterday" } });
    expect(notTime.status).toBe(400);
    expect(notTime.body.error).toMatchObject({ code: "parameter_invalid", param: "since" });
    const tooLong = await request("POST", path, {
      body: { since: new Date(Date.now() - 15 * 86_400_000).toISOString() },
    });
    expect(tooLong.status).toBe(422);
    const tooFarBack = await request("POST", path, {
      body: {
        since: new Date(Date.now() - 20 * 86_400_000).toISOString(),
        until: new Date(Date.now() - 19 * 86_400_000).toISOString(),
      },
    });
    expect(tooFarBack.status).toBe(422);
    expect(tooFarBack.body.error).toMatchObject({ code: "recovery_window_too_long", param: "since" });
    expect(tooLong.body.error.code).toBe("recovery_window_too_long");
    const missing = await request("POST", path, { body: {} });
    expect(missing.body.error).toMatchObject({ code: "parameter_missing", param: "since" });
  });

  it("limits redeliveries and recovers together to 60 a minute per merchant, with Retry-After", async () => {
    const shop = apiClient(
      api.url,
      (await createTestMerchant(api.db, { name: "replays", evmXpub: null })).apiKey,
    );
    const endpoint = await shop("POST", "/v1/webhook-endpoints", { body: { url: `${hookUrl}/replays` } });
    const tested = await shop("POST", `/v1/webhook-endpoints/${endpoint.body.id}/test`);
    const redeliver = () =>
      shop("POST", `/v1/events/${tested.body.id}/redeliver`, { body: { endpoint_id: endpoint.body.id } });
    const recover = () =>
      shop("POST", `/v1/webhook-endpoints/${endpoint.body.id}/recover`, {
        body: { since: new Date(Date.now() - 60_000).toISOString() },
      });
    // refused requests queue nothing and do not count
    expect((await shop("POST", "/v1/events/evt_01ARZ3NDEKTSV4RRFFQ69G5FAV/redeliver")).status).toBe(404);
    const allowed = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? redeliver() : recover())),
    );
    expect(allowed.map((answer) => answer.status)).toEqual(Array(60).fill(202));
    for (const refused of [await redeliver(), await recover()]) {
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ type: "rate_limited", code: "rate_limited" });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // other merchants keep their own budget; reads are not limited
    expect((await request("POST", `/v1/events/${tested.body.id}/redeliver`)).status).toBe(404);
    expect((await shop("GET", `/v1/events/${tested.body.id}/deliveries`)).status).toBe(200);
    const other = await request("POST", "/v1/webhook-endpoints", { body: { url: `${hookUrl}/others` } });
    const otherTest = await request("POST", `/v1/webhook-endpoints/${other.body.id}/test`);
    expect((await request("POST", `/v1/events/${otherTest.body.id}/redeliver`)).status).toBe(202);
  });

  it("answers 404 for unknown events and endpoints", async () => {
    const unknown = "evt_01ARZ3NDEKTSV4RRFFQ69G5FAV";
    expect((await request("GET", `/v1/events/${unknown}`)).status).toBe(404);
    expect((await request("GET", `/v1/events/${unknown}/deliveries`)).status).toBe(404);
    expect((await request("POST", `/v1/events/${unknown}/redeliver`)).status).toBe(404);
    expect((await request("POST", "/v1/webhook-endpoints/we_01ARZ3NDEKTSV4RRFFQ69G5FAV/test")).status).toBe(
      404,
    );
  });
});
