import {
  createEndpoint,
  createMerchant,
  type Db,
  newId,
  redeliverEvent,
  rotateEndpointSecret,
} from "@paygate/shared";
import { createTestDatabase, type TestDatabase } from "@paygate/testkit";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, test } from "vitest";
import { batchedDeliveryRecords, loadDelivery, recordAttempt } from "./delivery-record.ts";
import type { Verdict } from "./retry-plan.ts";
import type { AttemptResult } from "./webhook-client.ts";

let database: TestDatabase;
let db: Db;
const policy = { env: "development" as const, allowedCidrs: [] };
const DAY = 86_400_000;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});

afterAll(() => database?.drop());

async function pendingDelivery() {
  const merchant = await createMerchant(db, { name: "Shop" });
  const endpoint = await createEndpoint(db, merchant.id, { url: "http://127.0.0.1:9/hook" }, policy);
  const eventId = newId("evt");
  await db
    .insertInto("events")
    .values({
      id: eventId,
      merchant_id: merchant.id,
      type: "payment.confirmed",
      dedupe_key: eventId,
      body: "{}",
    })
    .execute();
  const deliveryId = newId("dlv");
  await db
    .insertInto("deliveries")
    .values({
      id: deliveryId,
      event_id: eventId,
      endpoint_id: endpoint.id,
      status: "pending",
      next_attempt_at: new Date(),
    })
    .execute();
  return { merchant, endpoint, eventId, deliveryId };
}

const answered = (statusCode: number): AttemptResult => ({
  kind: "response",
  statusCode,
  retryAfter: undefined,
  responseBody: "ok",
  error: null,
  durationMs: 12,
});

async function record(deliveryId: string, result: AttemptResult, verdict: Verdict, now = new Date()) {
  const target = (await loadDelivery(db, deliveryId, now))!;
  return recordAttempt(db, {
    target,
    attempt: target.attempt_count + 1,
    result,
    verdict,
    startedAt: now,
    finishedAt: now,
    nextAttemptAt: verdict.kind === "retry" ? new Date(now.getTime() + verdict.delayMs) : null,
    disableAfterFailingMs: 5 * DAY,
  });
}

const endpointRow = (id: string) =>
  db.selectFrom("webhook_endpoints").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const attemptRows = (deliveryId: string) =>
  db
    .selectFrom("delivery_attempts")
    .selectAll()
    .where("delivery_id", "=", deliveryId)
    .orderBy("attempt")
    .execute();

test("loadDelivery brings the signing keys valid now, newest first, with their expiry to the millisecond", async () => {
  const { merchant, endpoint, deliveryId } = await pendingDelivery();
  const rotated = await rotateEndpointSecret(db, merchant.id, endpoint.id);
  const expiresAt = new Date("2030-01-02T03:04:05.678Z");
  await db
    .updateTable("webhook_secrets")
    .set({ expires_at: sql`${expiresAt}::timestamptz + interval '1 microsecond'` })
    .where("endpoint_id", "=", endpoint.id)
    .where("expires_at", "is not", null)
    .execute();
  const target = (await loadDelivery(db, deliveryId, new Date()))!;
  expect(target.signing_keys).toEqual([
    { secret: rotated.secret, expires_at_ms: null },
    // 05.678001 rounds up: still valid at 05.678, as `expires_at > started_at` says
    { secret: endpoint.secret, expires_at_ms: expiresAt.getTime() + 1 },
  ]);
  const later = (await loadDelivery(db, deliveryId, new Date(expiresAt.getTime() + 1)))!;
  expect(later.signing_keys).toEqual([{ secret: rotated.secret, expires_at_ms: null }]);
});

test("an attempt is recorded once: a second record of the same attempt (a stalled duplicate) changes nothing", async () => {
  const { deliveryId } = await pendingDelivery();
  const target = (await loadDelivery(db, deliveryId, new Date()))!;
  const now = new Date();
  const attempt = {
    target,
    attempt: 1,
    result: answered(500),
    verdict: { kind: "retry", delayMs: 5000 } as const,
    startedAt: now,
    finishedAt: now,
    nextAttemptAt: new Date(now.getTime() + 5000),
    disableAfterFailingMs: 5 * DAY,
  };
  expect(await recordAttempt(db, attempt)).toBe(true);
  expect(await recordAttempt(db, { ...attempt, result: answered(200), verdict: { kind: "succeeded" } })).toBe(
    false,
  );
  const delivery = await db
    .selectFrom("deliveries")
    .selectAll()
    .where("id", "=", deliveryId)
    .executeTakeFirst();
  expect(delivery).toMatchObject({ status: "pending", attempt_count: 1, completed_at: null });
  expect(delivery!.next_attempt_at!.getTime()).toBe(now.getTime() + 5000);
  const attempts = await attemptRows(deliveryId);
  expect(attempts).toHaveLength(1);
  expect(attempts[0]).toMatchObject({ attempt: 1, status_code: 500, response_body: "ok", duration_ms: 12 });
});

test("endpoint health: a failure starts the clock, a 2xx resets it, 5 days of failing or a 410 disable", async () => {
  const { endpoint, deliveryId } = await pendingDelivery();
  const failedAt = new Date(Date.now() - 1000);
  await record(deliveryId, answered(500), { kind: "retry", delayMs: 0 }, failedAt);
  expect((await endpointRow(endpoint.id)).failing_since).toEqual(failedAt);
  await record(deliveryId, answered(500), { kind: "retry", delayMs: 0 });
  expect((await endpointRow(endpoint.id)).failing_since).toEqual(failedAt);
  await record(deliveryId, answered(204), { kind: "succeeded" });
  expect(await endpointRow(endpoint.id)).toMatchObject({ failing_since: null, enabled: true });
  expect(await attemptRows(deliveryId)).toHaveLength(3);

  const failing = await pendingDelivery();
  await db
    .updateTable("webhook_endpoints")
    .set({ failing_since: new Date(Date.now() - 5 * DAY - 60_000) })
    .where("id", "=", failing.endpoint.id)
    .execute();
  await record(failing.deliveryId, answered(500), { kind: "failed", reason: "exhausted" });
  expect(await endpointRow(failing.endpoint.id)).toMatchObject({
    enabled: false,
    disabled_reason: "every delivery failed for 5 days",
  });

  const gone = await pendingDelivery();
  await record(gone.deliveryId, answered(410), { kind: "gone" });
  const row = await endpointRow(gone.endpoint.id);
  expect(row).toMatchObject({ enabled: false, disabled_reason: "the endpoint answered 410 Gone" });
  expect(row.failing_since).not.toBeNull();
  const delivery = await db
    .selectFrom("deliveries")
    .selectAll()
    .where("id", "=", gone.deliveryId)
    .executeTakeFirstOrThrow();
  expect(delivery).toMatchObject({ status: "failed", attempt_count: 1, next_attempt_at: null });
});

test("a duplicate's record touches no endpoint health", async () => {
  const { endpoint, deliveryId } = await pendingDelivery();
  const target = (await loadDelivery(db, deliveryId, new Date()))!;
  await record(deliveryId, answered(200), { kind: "succeeded" });
  const now = new Date();
  const stale = await recordAttempt(db, {
    target,
    attempt: 1,
    result: answered(410),
    verdict: { kind: "gone" },
    startedAt: now,
    finishedAt: now,
    nextAttemptAt: null,
    disableAfterFailingMs: 5 * DAY,
  });
  expect(stale).toBe(false);
  expect(await endpointRow(endpoint.id)).toMatchObject({ enabled: true, failing_since: null });
});

test("a successful manual resend ends the automatic delivery to that endpoint: its scheduled retry never runs", async () => {
  const { merchant, endpoint, eventId, deliveryId } = await pendingDelivery();
  await record(deliveryId, answered(500), { kind: "retry", delayMs: 300_000 });
  const delivery = (id: string) =>
    db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  // a failed resend changes nothing for the automatic delivery
  const [failedResend] = (await redeliverEvent(db, merchant.id, eventId, endpoint.id)).deliveries;
  await record(failedResend!, answered(503), { kind: "failed", reason: "manual" });
  expect(await delivery(deliveryId)).toMatchObject({ status: "pending", attempt_count: 1 });

  const [resend] = (await redeliverEvent(db, merchant.id, eventId, endpoint.id)).deliveries;
  const [pendingResend] = (await redeliverEvent(db, merchant.id, eventId, endpoint.id)).deliveries;
  const now = new Date();
  expect(await record(resend!, answered(200), { kind: "succeeded" }, now)).toBe(true);
  const automatic = await delivery(deliveryId);
  expect(automatic).toMatchObject({ status: "succeeded", next_attempt_at: null, attempt_count: 1 });
  expect(automatic.completed_at!.getTime()).toBe(now.getTime());
  expect(await attemptRows(deliveryId)).toHaveLength(1);
  // the merchant's other resend still goes: they asked for it
  expect(await delivery(pendingResend!)).toMatchObject({ status: "pending", manual: true });
  // the retry that was scheduled finds nothing owed
  expect((await loadDelivery(db, deliveryId, new Date()))!.status).toBe("succeeded");
});

test("batched: concurrent loads and successes are written as one, with the single-row guards, health and reached rule", async () => {
  const records = batchedDeliveryRecords(db);
  const first = await pendingDelivery();
  const second = await pendingDelivery();
  await record(second.deliveryId, answered(500), { kind: "retry", delayMs: 300_000 });
  const resend = await pendingDelivery();
  const [manual] = (await redeliverEvent(db, resend.merchant.id, resend.eventId, resend.endpoint.id))
    .deliveries;

  const ids = [first.deliveryId, second.deliveryId, manual!, "dlv_unknown"];
  const targets = await Promise.all(ids.map((id) => records.load(id)));
  expect(targets.map((target) => target?.id)).toEqual([...ids.slice(0, 3), undefined]);
  expect(targets[0]!.signing_keys).toHaveLength(1);
  // the second delivery's endpoint is failing; a stale duplicate of the first attempt comes in the same batch
  await db.updateTable("deliveries").set({ next_attempt_at: new Date() }).where("id", "=", ids[1]!).execute();
  const now = new Date();
  const success = (target: NonNullable<(typeof targets)[number]>) => ({
    target,
    attempt: target.attempt_count + 1,
    result: answered(200),
    verdict: { kind: "succeeded" } as const,
    startedAt: now,
    finishedAt: now,
    nextAttemptAt: null,
    disableAfterFailingMs: 5 * DAY,
  });
  const answers = await Promise.all([
    records.record(success(targets[0]!)),
    records.record(success(targets[0]!)),
    records.record(success(targets[1]!)),
    records.record(success(targets[2]!)),
  ]);
  expect(answers).toEqual([true, false, true, true]);

  const rows = await db
    .selectFrom("deliveries")
    .select(["id", "status", "attempt_count", "next_attempt_at", "completed_at"])
    .where("id", "in", [first.deliveryId, second.deliveryId, resend.deliveryId])
    .execute();
  for (const row of rows) {
    expect(row).toMatchObject({ status: "succeeded", next_attempt_at: null });
    expect(row.completed_at!.getTime()).toBe(now.getTime());
  }
  expect(rows.find((row) => row.id === second.deliveryId)!.attempt_count).toBe(2);
  // the automatic delivery ended by the manual resend's success has no attempt of its own
  expect(rows.find((row) => row.id === resend.deliveryId)!.attempt_count).toBe(0);
  expect(await attemptRows(first.deliveryId)).toEqual([
    expect.objectContaining({ attempt: 1, status_code: 200, response_body: "ok", error: null }),
  ]);
  expect(await attemptRows(second.deliveryId)).toHaveLength(2);
  expect(await attemptRows(manual!)).toHaveLength(1);
  expect(await endpointRow(second.endpoint.id)).toMatchObject({ enabled: true, failing_since: null });
});
