import { createTestDatabase, type TestDatabase } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Db } from "../db/connect.ts";
import { newId } from "../ids.ts";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  getEvent,
  listEndpoints,
  listEventDeliveries,
  listEvents,
  purgeExpiredWebhookSecrets,
  recoverEndpoint,
  redeliverEvent,
  rotateEndpointSecret,
  sendTestEvent,
  updateEndpoint,
} from "./index.ts";

let database: TestDatabase;
let db: Db;
let shopA: string;
let shopB: string;
const policy = { env: "development" as const, allowedCidrs: [] };
const page = { limit: 20 };

async function merchant(name: string) {
  const id = newId("mer");
  await db.insertInto("merchants").values({ id, name }).execute();
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  shopA = await merchant("A");
  shopB = await merchant("B");
});

afterAll(() => database?.drop());

describe("webhook endpoints", () => {
  test("create answers the secret once, in the Standard Webhooks format", async () => {
    const created = await createEndpoint(
      db,
      shopA,
      { url: "https://a.example/hook", events: ["payment.confirmed"] },
      policy,
    );
    expect(created).toMatchObject({
      object: "webhook_endpoint",
      url: "https://a.example/hook",
      events: ["payment.confirmed"],
      enabled: true,
    });
    expect(Buffer.from(created.secret.slice("whsec_".length), "base64")).toHaveLength(24);
    expect(await getEndpoint(db, shopA, created.id)).not.toHaveProperty("secret");
  });

  test("refuses unknown event types and empty lists", async () => {
    await expect(
      createEndpoint(db, shopA, { url: "https://a.example/", events: ["payment.teleported"] }, policy),
    ).rejects.toMatchObject({ code: "invalid_event_type" });
    await expect(
      createEndpoint(db, shopA, { url: "https://a.example/", events: [] }, policy),
    ).rejects.toMatchObject({ code: "parameter_invalid" });
    await expect(
      createEndpoint(db, shopA, { url: "https://127.1/" }, { env: "production", allowedCidrs: [] }),
    ).rejects.toMatchObject({ code: "url_not_allowed" });
  });

  test("a merchant has at most 16 endpoints, even when creating them all at once", async () => {
    const shop = await merchant("many endpoints");
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        createEndpoint(db, shop, { url: `https://c.example/${i}` }, policy),
      ),
    );
    const created = results.filter((result) => result.status === "fulfilled");
    expect(created).toHaveLength(16);
    for (const result of results.filter((result) => result.status === "rejected")) {
      expect(result.reason).toMatchObject({ code: "endpoint_limit_reached", status: 422 });
    }
    await deleteEndpoint(db, shop, created[0]!.value.id);
    await expect(createEndpoint(db, shop, { url: "https://c.example/again" }, policy)).resolves.toBeDefined();
    await expect(
      createEndpoint(db, shop, { url: "https://c.example/more" }, policy, 16),
    ).rejects.toMatchObject({ code: "endpoint_limit_reached" });
    // MAX_WEBHOOK_ENDPOINTS configures the cap
    await expect(
      createEndpoint(db, shop, { url: "https://c.example/more" }, policy, 17),
    ).resolves.toBeDefined();
  });

  test("another merchant's endpoint is not found, whatever the operation", async () => {
    const mine = await createEndpoint(db, shopA, { url: "https://a.example/other" }, policy);
    const attempts = [
      () => getEndpoint(db, shopB, mine.id),
      () => updateEndpoint(db, shopB, mine.id, { enabled: false }, policy),
      () => deleteEndpoint(db, shopB, mine.id),
      () => rotateEndpointSecret(db, shopB, mine.id),
      () => sendTestEvent(db, shopB, mine.id),
      () => recoverEndpoint(db, shopB, mine.id, { since: new Date(Date.now() - 60_000) }),
    ];
    for (const attempt of attempts)
      await expect(attempt()).rejects.toMatchObject({ status: 404, code: "resource_missing" });
    expect((await listEndpoints(db, shopB, page)).data).toEqual([]);
  });

  test("update re-enables and resets the failing clock; delete hides it", async () => {
    const endpoint = await createEndpoint(db, shopA, { url: "https://a.example/flaky" }, policy);
    await db
      .updateTable("webhook_endpoints")
      .set({ enabled: false, disabled_reason: "410", failing_since: new Date() })
      .where("id", "=", endpoint.id)
      .execute();
    const enabled = await updateEndpoint(
      db,
      shopA,
      endpoint.id,
      { enabled: true, events: ["payment.pending", "payment.pending"] },
      policy,
    );
    expect(enabled).toMatchObject({
      enabled: true,
      disabled_reason: null,
      failing_since: null,
      events: ["payment.pending"],
    });
    expect(await deleteEndpoint(db, shopA, endpoint.id)).toEqual({
      id: endpoint.id,
      object: "webhook_endpoint",
      deleted: true,
    });
    await expect(getEndpoint(db, shopA, endpoint.id)).rejects.toMatchObject({ status: 404 });
  });

  test("list pages newest first", async () => {
    const all = await listEndpoints(db, shopA, { limit: 100 });
    const first = await listEndpoints(db, shopA, { limit: 1 });
    expect(first).toMatchObject({ object: "list", has_more: true, data: [all.data[0]] });
    const next = await listEndpoints(db, shopA, { limit: 1, startingAfter: first.data[0]!.id });
    expect(next.data).toEqual([all.data[1]]);
  });

  test("rotation keeps the old key for 24 h and at most 10 old keys", async () => {
    const endpoint = await createEndpoint(db, shopA, { url: "https://a.example/rotating" }, policy);
    const before = Date.now();
    await rotateEndpointSecret(db, shopA, endpoint.id);
    const [old] = await db
      .selectFrom("webhook_secrets")
      .selectAll()
      .where("endpoint_id", "=", endpoint.id)
      .where("secret", "=", endpoint.secret)
      .execute();
    expect(old!.expires_at!.getTime() - before).toBeGreaterThanOrEqual(24 * 3600 * 1000 - 1000);
    for (let i = 0; i < 11; i += 1) await rotateEndpointSecret(db, shopA, endpoint.id);
    const signing = await db
      .selectFrom("webhook_secrets")
      .selectAll()
      .where("endpoint_id", "=", endpoint.id)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", new Date())]))
      .execute();
    expect(signing).toHaveLength(11);
    expect(signing.filter((secret) => secret.expires_at === null)).toHaveLength(1);
  });

  test("expired secrets are deleted: on rotation for that endpoint, by the purge for every endpoint", async () => {
    const secretsOf = (endpointId: string) =>
      db.selectFrom("webhook_secrets").selectAll().where("endpoint_id", "=", endpointId).execute();
    const rotating = await createEndpoint(db, shopA, { url: "https://a.example/expiring" }, policy);
    const other = await createEndpoint(db, shopB, { url: "https://b.example/expiring" }, policy);
    await rotateEndpointSecret(db, shopA, rotating.id);
    await rotateEndpointSecret(db, shopB, other.id);
    // both overlaps end (as 24 h later)
    await db
      .updateTable("webhook_secrets")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("expires_at", "is not", null)
      .where("endpoint_id", "in", [rotating.id, other.id])
      .execute();
    expect(await secretsOf(rotating.id)).toHaveLength(2);
    // the 11th rotation retires keys too: none of them stays stored
    for (let i = 0; i < 12; i += 1) await rotateEndpointSecret(db, shopA, rotating.id);
    const kept = await secretsOf(rotating.id);
    expect(kept).toHaveLength(11);
    expect(kept.every((secret) => secret.expires_at === null || secret.expires_at > new Date())).toBe(true);
    expect(kept.map((secret) => secret.secret)).not.toContain(rotating.secret);

    expect(await secretsOf(other.id)).toHaveLength(2);
    expect(await purgeExpiredWebhookSecrets(db)).toBeGreaterThanOrEqual(1);
    const left = await secretsOf(other.id);
    expect(left).toHaveLength(1);
    expect(left[0]!.expires_at).toBeNull();
    expect(await purgeExpiredWebhookSecrets(db)).toBe(0);
  });
});

describe("events and manual deliveries", () => {
  test("a test event goes to that endpoint only, and shows up in the event list", async () => {
    const endpoint = await createEndpoint(db, shopA, { url: "https://a.example/test" }, policy);
    const event = await sendTestEvent(db, shopA, endpoint.id);
    expect(event).toMatchObject({
      object: "event",
      type: "webhook.test",
      api_version: "2026-11-01",
      data: { webhook_endpoint: endpoint.id },
    });
    const deliveries = await db
      .selectFrom("deliveries")
      .selectAll()
      .where("event_id", "=", event.id)
      .execute();
    expect(deliveries).toMatchObject([{ endpoint_id: endpoint.id, manual: true, status: "pending" }]);
    const stored = await db
      .selectFrom("events")
      .select("body")
      .where("id", "=", event.id)
      .executeTakeFirstOrThrow();
    expect(await getEvent(db, shopA, event.id)).toEqual({ ...event, body: stored.body });
    expect((await listEvents(db, shopA, { type: "webhook.test" }, page)).data.map((e) => e.id)).toContain(
      event.id,
    );
    await expect(getEvent(db, shopB, event.id)).rejects.toMatchObject({ status: 404 });
    await expect(listEventDeliveries(db, shopB, event.id)).rejects.toMatchObject({ status: 404 });
    await expect(redeliverEvent(db, shopB, event.id)).rejects.toMatchObject({ status: 404 });
    expect((await listEvents(db, shopB, {}, page)).data).toEqual([]);
  });

  test("redeliver cannot target another merchant's endpoint", async () => {
    const theirs = await createEndpoint(db, shopB, { url: "https://b.example/" }, policy);
    const mine = await createEndpoint(db, shopA, { url: "https://a.example/redeliver" }, policy);
    const event = await sendTestEvent(db, shopA, mine.id);
    await expect(redeliverEvent(db, shopA, event.id, theirs.id)).rejects.toMatchObject({ status: 404 });
    expect(await redeliverEvent(db, shopA, event.id, mine.id)).toMatchObject({
      object: "redelivery",
      deliveries: [expect.stringMatching(/^dlv_/)],
    });
  });

  test("recover resends what never succeeded in the window, at most 14 days", async () => {
    const endpoint = await createEndpoint(db, shopA, { url: "https://a.example/recover" }, policy);
    const event = await sendTestEvent(db, shopA, endpoint.id);
    await db
      .updateTable("deliveries")
      .set({ status: "failed", next_attempt_at: null })
      .where("event_id", "=", event.id)
      .execute();
    const since = new Date(Date.now() - 3600_000);
    expect(await recoverEndpoint(db, shopA, endpoint.id, { since })).toEqual({
      object: "recovery",
      deliveries: 1,
    });
    // The resend is pending now, so a second recover owes nothing.
    expect(await recoverEndpoint(db, shopA, endpoint.id, { since })).toEqual({
      object: "recovery",
      deliveries: 0,
    });
    await expect(
      recoverEndpoint(db, shopA, endpoint.id, { since: new Date(Date.now() - 15 * 86_400_000) }),
    ).rejects.toMatchObject({ code: "recovery_window_too_long" });
  });

  test("recover leaves events fan-out has not relayed yet to fan-out, so none is sent twice", async () => {
    const shop = await merchant("C");
    const endpoint = await createEndpoint(db, shop, { url: "https://c.example/recover" }, policy);
    const id = newId("evt");
    await db
      .insertInto("events")
      .values({
        id,
        merchant_id: shop,
        type: "payment.confirmed",
        dedupe_key: `test:${id}`,
        body: JSON.stringify({ id, type: "payment.confirmed" }),
        created_at: new Date(),
      })
      .execute();
    const since = new Date(Date.now() - 60_000);
    expect(await recoverEndpoint(db, shop, endpoint.id, { since })).toEqual({
      object: "recovery",
      deliveries: 0,
    });
    // relayed while the endpoint got no delivery (it was disabled then): recover owes it
    await db.updateTable("events").set({ relayed_at: new Date() }).where("id", "=", id).execute();
    expect(await recoverEndpoint(db, shop, endpoint.id, { since })).toEqual({
      object: "recovery",
      deliveries: 1,
    });
  });
});
