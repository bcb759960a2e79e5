import { type Db, EVENTS_CHANNEL, newId, serializeEventBody } from "@paygate/shared";
import { sql } from "kysely";

/**
 * An outbox event as reconcileIntent writes it (the row, then a NOTIFY on commit), for the dispatcher rules whose
 * subject is not the body (per-endpoint limits, disabling endpoints); the scenarios use `payIntent`.
 */
export async function insertEvent(
  db: Db,
  merchantId: string,
  type = "payment.confirmed",
  data: Record<string, unknown> = {
    payment_intent: { id: "pi_test", object: "payment_intent" },
    sequence: 1,
  },
): Promise<{ id: string; body: string }> {
  const id = newId("evt");
  const body = serializeEventBody({ id, type, createdAt: new Date(), data });
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("events")
      .values({ id, merchant_id: merchantId, type, dedupe_key: id, body })
      .execute();
    await sql`select pg_notify(${EVENTS_CHANNEL}, ${id})`.execute(trx);
  });
  return { id, body };
}
