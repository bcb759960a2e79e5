import { type Db, newId, subscribesTo } from "@paygate/shared";
import { sql } from "kysely";
import type { QueuedDelivery } from "../queue/delivery-queue.ts";

/**
 * The outbox relay's transaction: take events not yet relayed, write one pending delivery per enabled, live
 * endpoint of the merchant subscribed to the type, and mark the events relayed. The partial unique index on
 * (event_id, endpoint_id) makes a replay harmless; SKIP LOCKED lets several dispatchers share the work.
 * Returns the ids of the deliveries created, to enqueue after commit.
 */
export async function fanOutEvents(
  db: Db,
  batchSize: number,
): Promise<{ events: number; deliveries: QueuedDelivery[] }> {
  return db.transaction().execute(async (trx) => {
    const events = await trx
      .selectFrom("events")
      .select(["id", "merchant_id", "type"])
      .where("relayed_at", "is", null)
      .orderBy("id")
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    if (events.length === 0) return { events: 0, deliveries: [] };
    const merchants = [...new Set(events.map((event) => event.merchant_id))];
    const endpoints = await trx
      .selectFrom("webhook_endpoints")
      .select(["id", "merchant_id", "event_types"])
      .where("merchant_id", "in", merchants)
      .where("enabled", "=", true)
      .where("deleted_at", "is", null)
      .execute();
    const now = new Date();
    const rows = events.flatMap((event) =>
      endpoints
        .filter(
          (endpoint) =>
            endpoint.merchant_id === event.merchant_id && subscribesTo(endpoint.event_types, event.type),
        )
        .map((endpoint) => ({
          id: newId("dlv"),
          event_id: event.id,
          endpoint_id: endpoint.id,
          status: "pending" as const,
          next_attempt_at: now,
        })),
    );
    const created =
      rows.length === 0
        ? []
        : await trx
            .insertInto("deliveries")
            .values(rows)
            .onConflict((conflict) =>
              conflict.columns(["event_id", "endpoint_id"]).where(sql<boolean>`not manual`).doNothing(),
            )
            .returning(["id", "event_id"])
            .execute();
    const merchantOf = new Map(events.map((event) => [event.id, event.merchant_id]));
    await trx
      .updateTable("events")
      .set({ relayed_at: now })
      .where(
        "id",
        "in",
        events.map((event) => event.id),
      )
      .execute();
    return {
      events: events.length,
      deliveries: created.map(({ id, event_id }) => ({ id, merchantId: merchantOf.get(event_id)! })),
    };
  });
}

/** Deliveries PostgreSQL says are owed now; the sweep (re-)adds them to the queue, where existing jobs stay put. */
export async function dueDeliveries(db: Db, now: Date, limit: number): Promise<QueuedDelivery[]> {
  const rows = await db
    .selectFrom("deliveries as d")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .select(["d.id", "e.merchant_id"])
    .where("d.status", "=", "pending")
    .where("d.next_attempt_at", "<=", now)
    .orderBy("d.next_attempt_at")
    .limit(limit)
    .execute();
  return rows.map(({ id, merchant_id }) => ({ id, merchantId: merchant_id }));
}
