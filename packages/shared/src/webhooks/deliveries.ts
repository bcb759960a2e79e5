import { type ExpressionBuilder, sql } from "kysely";
import type { Db } from "../db/connect.ts";
import { type Page, type PageRequest, toPage } from "../db/pagination.ts";
import type { Database, DeliveryStatus } from "../db/schema.ts";
import { InvalidRequestError } from "../errors.ts";
import { serializeEventBody } from "../events/index.ts";
import { newId } from "../ids.ts";
import { EVENTS_CHANNEL } from "../intents/reconcile.ts";
import { findEndpoint } from "./endpoints.ts";
import { type EventObject, findEvent, presentEvent } from "./events.ts";

/**
 * Manual deliveries (redeliver, test, recover) are rows written here; a NOTIFY with this payload wakes the
 * dispatcher, which enqueues every due delivery. The API never talks to Redis.
 */
export const DELIVERIES_NOTICE = "deliveries";

/** `recover` reaches back at most 14 days (contract section 4). */
export const MAX_RECOVERY_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

export interface DeliveryAttemptObject {
  id: string;
  object: "delivery_attempt";
  delivery: string;
  event: string;
  endpoint: string;
  manual: boolean;
  attempt: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
  duration_ms: number;
  at: string;
}

/**
 * Where a delivery stands, for operators: `queued` (not tried yet), `retrying` (tried, failed, a retry is
 * scheduled), `dead_letter` (failed for good: listed and redeliverable) or `succeeded`.
 */
export type DeliveryState = "queued" | "retrying" | "dead_letter" | "succeeded";

export function deliveryState(status: DeliveryStatus, attempts: number): DeliveryState {
  if (status === "pending") return attempts > 0 ? "retrying" : "queued";
  return status === "failed" ? "dead_letter" : "succeeded";
}

export interface DeliveryObject {
  id: string;
  object: "delivery";
  merchant: string;
  event: string;
  event_type: string;
  endpoint: string;
  url: string;
  status: DeliveryStatus;
  state: DeliveryState;
  manual: boolean;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  completed_at: string | null;
  created_at: string;
}

/** Every attempt at delivering one of the merchant's events, newest first. */
export async function listEventDeliveries(
  db: Db,
  merchantId: string,
  eventId: string,
  page: PageRequest = { limit: 100 },
): Promise<Page<DeliveryAttemptObject>> {
  await findEvent(db, merchantId, eventId);
  let query = db
    .selectFrom("delivery_attempts as a")
    .innerJoin("deliveries as d", "d.id", "a.delivery_id")
    .select([
      "a.id",
      "a.delivery_id",
      "d.event_id",
      "d.endpoint_id",
      "d.manual",
      "a.attempt",
      "a.status_code",
      "a.error",
      "a.response_body",
      "a.duration_ms",
      "a.started_at",
    ])
    .where("d.event_id", "=", eventId);
  if (page.startingAfter) {
    // attempts order by when they started, then id: the cursor is the named attempt's place in that order
    const cursor = await db
      .selectFrom("delivery_attempts")
      .select(["id", "started_at"])
      .where("id", "=", page.startingAfter)
      .where("delivery_id", "in", (eb) =>
        eb.selectFrom("deliveries").select("id").where("event_id", "=", eventId),
      )
      .executeTakeFirst();
    if (!cursor)
      throw new InvalidRequestError("parameter_invalid", "No such delivery attempt of this event", {
        param: "starting_after",
        status: 400,
      });
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("a.started_at", "a.id"), "<", tuple(cursor.started_at, cursor.id)),
    );
  }
  const rows = await query
    .orderBy("a.started_at", "desc")
    .orderBy("a.id", "desc")
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page, (row) => ({
    id: row.id,
    object: "delivery_attempt",
    delivery: row.delivery_id,
    event: row.event_id,
    endpoint: row.endpoint_id,
    manual: row.manual,
    attempt: row.attempt,
    status_code: row.status_code,
    error: row.error,
    response_body: row.response_body,
    duration_ms: row.duration_ms,
    at: row.started_at.toISOString(),
  }));
}

/**
 * Resends one event: the same id and body, a fresh timestamp and signature. Without an endpoint it goes to every
 * live endpoint that was sent the event before or is enabled and subscribed to its type now. A manual delivery
 * that fails is not retried automatically.
 */
export async function redeliverEvent(
  db: Db,
  merchantId: string,
  eventId: string,
  endpointId?: string,
): Promise<{ object: "redelivery"; deliveries: string[] }> {
  const event = await findEvent(db, merchantId, eventId);
  let endpointIds: string[];
  if (endpointId) {
    endpointIds = [(await findEndpoint(db, merchantId, endpointId)).id];
  } else {
    const rows = await db
      .selectFrom("webhook_endpoints as e")
      .select("e.id")
      .where("e.merchant_id", "=", merchantId)
      .where("e.deleted_at", "is", null)
      .where((eb) =>
        eb.or([
          eb.exists(
            eb
              .selectFrom("deliveries as d")
              .select("d.id")
              .whereRef("d.endpoint_id", "=", "e.id")
              .where("d.event_id", "=", event.id),
          ),
          eb.and([
            eb("e.enabled", "=", true),
            eb(sql`e.event_types && array['*', ${event.type}]::text[]`, "=", sql<boolean>`true`),
          ]),
        ]),
      )
      .orderBy("e.id")
      .execute();
    endpointIds = rows.map(({ id }) => id);
    if (endpointIds.length === 0) {
      throw new InvalidRequestError(
        "no_webhook_endpoints",
        `no webhook endpoint to redeliver event ${event.id} to`,
      );
    }
  }
  const deliveries = await requestManualDeliveries(
    db,
    endpointIds.map((id) => ({ eventId: event.id, endpointId: id })),
  );
  return { object: "redelivery", deliveries };
}

/** Sends a `webhook.test` event to one endpoint only (it is never fanned out to the others). */
export async function sendTestEvent(db: Db, merchantId: string, endpointId: string): Promise<EventObject> {
  const endpoint = await findEndpoint(db, merchantId, endpointId);
  const id = newId("evt");
  const now = new Date();
  const body = serializeEventBody({
    id,
    type: "webhook.test",
    createdAt: now,
    data: { webhook_endpoint: endpoint.id },
  });
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("events")
      .values({
        id,
        merchant_id: merchantId,
        type: "webhook.test",
        dedupe_key: `webhook.test:${id}`,
        body,
        created_at: now,
        relayed_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await requestManualDeliveries(trx, [{ eventId: id, endpointId: endpoint.id }]);
    return presentEvent(row);
  });
}

/**
 * Resends, once each, every event of the window this endpoint was owed and never got (Svix's "recover"): those
 * whose deliveries failed, and those made while it was disabled, which fan-out never gave it a delivery for.
 * Events it is still retrying are left to their retries. The window reaches at most 14 days back.
 */
export async function recoverEndpoint(
  db: Db,
  merchantId: string,
  endpointId: string,
  window: { since: Date; until?: Date },
  now = new Date(),
): Promise<{ object: "recovery"; deliveries: number }> {
  const until = window.until ?? now;
  if (Number.isNaN(window.since.getTime()) || Number.isNaN(until.getTime()) || until <= window.since) {
    throw new InvalidRequestError("parameter_invalid", "since must be a time before until", {
      param: "since",
    });
  }
  if (now.getTime() - window.since.getTime() > MAX_RECOVERY_WINDOW_MS) {
    throw new InvalidRequestError("recovery_window_too_long", "recovery reaches at most 14 days back", {
      param: "since",
    });
  }
  const endpoint = await findEndpoint(db, merchantId, endpointId);
  const deliveredTo = (eb: ExpressionBuilder<Database, "events">, statuses?: DeliveryStatus[]) => {
    let query = eb
      .selectFrom("deliveries")
      .select("deliveries.id")
      .whereRef("deliveries.event_id", "=", "events.id")
      .where("deliveries.endpoint_id", "=", endpoint.id);
    if (statuses) query = query.where("deliveries.status", "in", statuses);
    return eb.exists(query);
  };
  const owed = await db
    .selectFrom("events")
    .select("events.id")
    .where("events.merchant_id", "=", merchantId)
    .where("events.created_at", ">=", window.since)
    .where("events.created_at", "<=", until)
    .where((eb) =>
      eb.or([
        deliveredTo(eb),
        // fanned out while it is subscribed, but no delivery: the endpoint was disabled. Events not relayed yet
        // are left to fan-out (a manual delivery beside its automatic one would send them twice); test events
        // belong to one endpoint.
        eb.and([
          eb("events.relayed_at", "is not", null),
          eb("events.type", "!=", "webhook.test"),
          eb("events.created_at", ">=", endpoint.created_at),
          endpoint.event_types.includes("*") ? eb.lit(true) : eb("events.type", "in", endpoint.event_types),
        ]),
      ]),
    )
    .where((eb) => eb.not(deliveredTo(eb, ["succeeded", "pending"])))
    .orderBy("events.id")
    .execute();
  const created = await requestManualDeliveries(
    db,
    owed.map(({ id }) => ({ eventId: id, endpointId: endpoint.id })),
  );
  return { object: "recovery", deliveries: created.length };
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  /**
   * Only deliveries that have failed: dead letters and those still retrying after a failed attempt (during an
   * outage a delivery retries for about 3 days before it is a dead letter; operators need to see it now).
   */
  failing?: boolean;
  merchantId?: string;
  limit: number;
}

/** Deliveries across merchants for operators (`paygate deliveries list`), newest first. */
export async function listDeliveries(db: Db, filter: DeliveryFilter): Promise<DeliveryObject[]> {
  let query = db
    .selectFrom("deliveries as d")
    .innerJoin("events as ev", "ev.id", "d.event_id")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .leftJoin("delivery_attempts as a", (join) =>
      join.onRef("a.delivery_id", "=", "d.id").onRef("a.attempt", "=", "d.attempt_count"),
    )
    .select([
      "d.id",
      "ev.merchant_id",
      "d.event_id",
      "ev.type",
      "d.endpoint_id",
      "e.url",
      "d.status",
      "d.manual",
      "d.attempt_count",
      "a.status_code",
      "a.error",
      "d.next_attempt_at",
      "d.last_attempt_at",
      "d.completed_at",
      "d.created_at",
    ]);
  if (filter.status) query = query.where("d.status", "=", filter.status);
  if (filter.failing) {
    query = query.where((eb) =>
      eb.or([
        eb("d.status", "=", "failed"),
        eb.and([eb("d.status", "=", "pending"), eb("d.attempt_count", ">", 0)]),
      ]),
    );
  }
  if (filter.merchantId) query = query.where("ev.merchant_id", "=", filter.merchantId);
  const rows = await query
    .orderBy("d.created_at", "desc")
    .orderBy("d.id", "desc")
    .limit(filter.limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    object: "delivery",
    merchant: row.merchant_id,
    event: row.event_id,
    event_type: row.type,
    endpoint: row.endpoint_id,
    url: row.url,
    status: row.status,
    state: deliveryState(row.status, row.attempt_count),
    manual: row.manual,
    attempts: row.attempt_count,
    last_status_code: row.status_code,
    last_error: row.error,
    next_attempt_at: row.next_attempt_at?.toISOString() ?? null,
    last_attempt_at: row.last_attempt_at?.toISOString() ?? null,
    completed_at: row.completed_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  }));
}

async function requestManualDeliveries(
  db: Db,
  targets: readonly { eventId: string; endpointId: string }[],
): Promise<string[]> {
  if (targets.length === 0) return [];
  const rows = targets.map(({ eventId, endpointId }) => ({
    id: newId("dlv"),
    event_id: eventId,
    endpoint_id: endpointId,
    status: "pending" as const,
    manual: true,
    next_attempt_at: new Date(),
  }));
  const chunk = 1000;
  for (let start = 0; start < rows.length; start += chunk) {
    await db
      .insertInto("deliveries")
      .values(rows.slice(start, start + chunk))
      .execute();
  }
  await sql`select pg_notify(${EVENTS_CHANNEL}, ${DELIVERIES_NOTICE})`.execute(db);
  return rows.map(({ id }) => id);
}
