import { type Insertable, sql } from "kysely";
import type { Db } from "../db/connect.ts";
import type {
  EventRow,
  EventsTable,
  IntentTransitionsTable,
  PaymentIntentRow,
  PaymentRow,
} from "../db/schema.ts";

/**
 * What one reconcile transaction writes, gathered while every intent of the batch is decided and then written in
 * one statement per table: a catch-up range of a thousand payments costs a handful of round trips, not a dozen
 * per intent. Nothing here decides anything; it only stores what `decideIntent` said.
 */
export class ReconcileWrites {
  readonly newPayments: PaymentRow[] = [];
  readonly changedPayments: PaymentRow[] = [];
  readonly changedIntents: PaymentIntentRow[] = [];
  readonly transitions: Insertable<IntentTransitionsTable>[] = [];
  readonly events: Insertable<EventsTable>[] = [];

  /** Writes everything in the caller's transaction; returns the events actually inserted (not deduplicated). */
  async flush(trx: Db, now: Date): Promise<EventRow[]> {
    if (this.newPayments.length > 0) {
      await trx
        .insertInto("payments")
        .values(this.newPayments.map((payment) => ({ ...payment, updated_at: now })))
        .execute();
    }
    if (this.changedPayments.length > 0) await updatePayments(trx, this.changedPayments, now);
    if (this.changedIntents.length > 0) await updateIntents(trx, this.changedIntents, now);
    if (this.transitions.length > 0)
      await trx.insertInto("intent_transitions").values(this.transitions).execute();
    if (this.events.length === 0) return [];
    return trx
      .insertInto("events")
      .values(this.events)
      .onConflict((conflict) => conflict.column("dedupe_key").doNothing())
      .returningAll()
      .execute();
  }
}

/** Text arrays for `unnest`: amounts and heights as decimal strings, so no bigint ever passes through a number. */
const text = (value: bigint | null) => (value === null ? null : value.toString());

async function updatePayments(trx: Db, payments: readonly PaymentRow[], now: Date): Promise<void> {
  await sql`
    update payments as p set
      block_number = v.block_number, block_hash = v.block_hash, block_timestamp = v.block_timestamp,
      paid_at = v.paid_at, rbf = v.rbf, vanished = v.vanished, status = v.status, counted = v.counted,
      revision = v.revision, updated_at = ${now}
    from unnest(
      ${payments.map((p) => p.id)}::text[], ${payments.map((p) => text(p.block_number))}::bigint[],
      ${payments.map((p) => p.block_hash)}::text[], ${payments.map((p) => p.block_timestamp)}::timestamptz[],
      ${payments.map((p) => p.paid_at)}::timestamptz[], ${payments.map((p) => p.rbf)}::boolean[],
      ${payments.map((p) => p.vanished)}::boolean[], ${payments.map((p) => p.status)}::text[],
      ${payments.map((p) => p.counted)}::boolean[], ${payments.map((p) => p.revision)}::integer[]
    ) as v(id, block_number, block_hash, block_timestamp, paid_at, rbf, vanished, status, counted, revision)
    where p.id = v.id`.execute(trx);
}

async function updateIntents(trx: Db, intents: readonly PaymentIntentRow[], now: Date): Promise<void> {
  await sql`
    update payment_intents as i set
      status = v.status, amount_received = v.amount_received, amount_confirmed = v.amount_confirmed,
      overpaid_amount = v.overpaid_amount, late = v.late, confirmed_at = v.confirmed_at,
      canceled_at = v.canceled_at, event_sequence = v.event_sequence, updated_at = ${now}
    from unnest(
      ${intents.map((i) => i.id)}::text[], ${intents.map((i) => i.status)}::text[],
      ${intents.map((i) => text(i.amount_received))}::numeric[],
      ${intents.map((i) => text(i.amount_confirmed))}::numeric[],
      ${intents.map((i) => text(i.overpaid_amount))}::numeric[], ${intents.map((i) => i.late)}::boolean[],
      ${intents.map((i) => i.confirmed_at)}::timestamptz[], ${intents.map((i) => i.canceled_at)}::timestamptz[],
      ${intents.map((i) => i.event_sequence)}::integer[]
    ) as v(id, status, amount_received, amount_confirmed, overpaid_amount, late, confirmed_at, canceled_at,
      event_sequence)
    where i.id = v.id`.execute(trx);
}
