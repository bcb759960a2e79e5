import { sql } from "kysely";
import { type Chain, type ChainTip, confirmationsOf } from "../chains/index.ts";
import type { Db } from "../db/connect.ts";
import type { EventRow, PaymentIntentRow, PaymentRow } from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";
import { type EventBody, serializeEventBody } from "../events/index.ts";
import { newId } from "../ids.ts";
import type { IntentObject } from "./intent-schema.ts";
import { mergeObservations, type PaymentObservation } from "./merge-observations.ts";
import { EVENT_BODY_MAX_PAYMENTS, presentIntent, presentPayment } from "./present.ts";
import { ReconcileWrites } from "./reconcile-writes.ts";
import { type Command, decideIntent, type EventType, type PaymentFacts } from "./state-machine.ts";

export { mergeObservations, type PaymentObservation } from "./merge-observations.ts";

export interface ReconcileRequest {
  intentId: string;
  observations?: readonly PaymentObservation[];
  cancel?: boolean;
  /** Why this ran, for the audit trail: "block 123 0xab..", "expiry sweep", "api". */
  cause: string;
  /** The scanned height the caller has committed up to; defaults to the chain's stored cursor. */
  head?: bigint;
  /** How far the chain has been read, in time (see `Command`): scanners behind the tip pass their block's time. */
  chainTime?: Date;
}

export interface ReconcileContext {
  chains: ReadonlyMap<string, Chain>;
  publicUrl: string;
  now?: () => Date;
}

export interface ReconcileResult {
  intent: IntentObject;
  events: EventRow[];
  changed: boolean;
}

/** Postgres channel the dispatcher LISTENs on to pick up new outbox events at once. */
export const EVENTS_CHANNEL = "paygate_events";

/**
 * The single write path for intent state: lock the intent, merge the observations, decide, and write state,
 * payments, audit rows and outbox events in one transaction. Replaying the same input changes nothing.
 */
export async function reconcileIntent(
  db: Db,
  context: ReconcileContext,
  request: ReconcileRequest,
): Promise<ReconcileResult> {
  const [result] = await reconcileIntents(db, context, [request]);
  return result!;
}

/**
 * `reconcileIntent` for many intents in one transaction: each intent is decided on its own by `decideIntent`,
 * exactly as alone, and everything the batch decides (states, payments, audit rows, outbox events) commits or
 * rolls back together. The rows are locked in id order, so two batches can never deadlock on each other. A
 * scanner catching up calls this once per range instead of once per intent.
 */
export async function reconcileIntents(
  db: Db,
  context: ReconcileContext,
  requests: readonly ReconcileRequest[],
): Promise<ReconcileResult[]> {
  if (requests.length === 0) return [];
  const ids = [...new Set(requests.map((request) => request.intentId))].sort();
  if (ids.length !== requests.length) throw new Error("one reconcile batch names an intent twice");
  return db.transaction().execute(async (trx) => {
    const intents = await trx
      .selectFrom("payment_intents")
      .selectAll()
      .where("id", "in", ids)
      .orderBy("id")
      .forUpdate()
      .execute();
    const intentById = new Map(intents.map((intent) => [intent.id, intent]));
    const missing = ids.find((id) => !intentById.has(id));
    if (missing) throw new NotFoundError("payment_intent", missing);

    const cursors = await trx
      .selectFrom("chain_cursors")
      .select(["chain", "scanned_number", "finalized_number"])
      .where("chain", "in", [...new Set(intents.map((intent) => intent.chain))])
      .execute();
    const cursorOf = new Map(cursors.map((cursor) => [cursor.chain, cursor]));
    const stored = await trx.selectFrom("payments").selectAll().where("intent_id", "in", ids).execute();
    const storedOf = byIntent(stored);

    const now = context.now?.() ?? new Date();
    const writes = new ReconcileWrites();
    const decided = requests.map((request) => {
      const intent = intentById.get(request.intentId)!;
      const cursor = cursorOf.get(intent.chain);
      const tip = {
        head: request.head ?? cursor?.scanned_number ?? null,
        finalized: cursor?.finalized_number ?? null,
      };
      return decideOne(intent, storedOf.get(intent.id) ?? [], request, tip, context, now, writes);
    });

    const inserted = await writes.flush(trx, now);
    if (inserted.length > 0) await sql`select pg_notify(${EVENTS_CHANNEL}, '')`.execute(trx);
    const insertedOf = byIntent(inserted);
    return decided.map(({ intentObject, changed, intentId }) => {
      const events = insertedOf.get(intentId) ?? [];
      return { intent: intentObject, events, changed: changed || events.length > 0 };
    });
  });
}

/**
 * Intents per reconcile transaction when a caller has many (a catch-up range, a new head, the expiry sweep):
 * large enough that a range of a thousand payments commits a handful of times, small enough that one
 * transaction's statements and locks stay modest.
 */
export const RECONCILE_BATCH_SIZE = 250;

/**
 * `reconcileIntents` over any number of requests, `RECONCILE_BATCH_SIZE` intents per transaction, one after
 * another. It rejects on the first failed batch; the batches before it are committed, each whole, and replaying
 * them changes nothing, so the caller retries the lot.
 */
export async function reconcileIntentsInBatches(
  db: Db,
  context: ReconcileContext,
  requests: readonly ReconcileRequest[],
): Promise<ReconcileResult[]> {
  const results: ReconcileResult[] = [];
  for (let start = 0; start < requests.length; start += RECONCILE_BATCH_SIZE) {
    results.push(
      ...(await reconcileIntents(db, context, requests.slice(start, start + RECONCILE_BATCH_SIZE))),
    );
  }
  return results;
}

function byIntent<Row extends { intent_id: string | null }>(rows: readonly Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const group = groups.get(row.intent_id!);
    if (group) group.push(row);
    else groups.set(row.intent_id!, [row]);
  }
  return groups;
}

/** Decides one locked intent and adds what it writes to `writes`; pure apart from fresh ids. */
function decideOne(
  intent: PaymentIntentRow,
  stored: readonly PaymentRow[],
  request: ReconcileRequest,
  tip: ChainTip,
  context: ReconcileContext,
  now: Date,
  writes: ReconcileWrites,
): { intentId: string; intentObject: IntentObject; changed: boolean } {
  const chain = context.chains.get(intent.chain);
  if (!chain) throw new Error(`intent ${intent.id} is on unconfigured chain ${intent.chain}`);

  const merged = mergeObservations(intent, stored, request.observations ?? [], now);
  const facts: PaymentFacts[] = merged.map(({ row, isNew }) => ({
    id: row.id,
    amount: row.amount,
    paidAt: row.paid_at,
    confirmations: confirmationsOf(row.block_number, tip, chain, intent.required_confirmations),
    vanished: row.vanished,
    status: isNew ? null : row.status,
    counted: isNew ? null : row.counted,
    revision: row.revision,
  }));
  const command: Command = request.cancel
    ? { kind: "cancel" }
    : { kind: "observe", chainTime: request.chainTime };
  const decision = decideIntent(toIntentFacts(intent), facts, now, command);

  const payments = merged.map(({ row, isNew, factsChanged }) => {
    const decided = decision.payments.find((payment) => payment.id === row.id)!;
    const next: PaymentRow = {
      ...row,
      status: decided.status,
      counted: decided.counted,
      revision: decided.revision,
    };
    const decisionChanged =
      next.status !== row.status || next.counted !== row.counted || next.revision !== row.revision;
    if (isNew) writes.newPayments.push(next);
    else if (factsChanged || decisionChanged) writes.changedPayments.push(next);
    return next;
  });

  for (const transition of decision.transitions) {
    writes.transitions.push({
      intent_id: intent.id,
      from_status: transition.from,
      to_status: transition.to,
      reason: transition.reason,
      cause: request.cause,
      at: now,
    });
  }

  const stateChanged =
    decision.status !== intent.status ||
    decision.amountReceived !== intent.amount_received ||
    decision.amountConfirmed !== intent.amount_confirmed ||
    decision.overpaidAmount !== intent.overpaid_amount ||
    decision.late !== intent.late ||
    decision.confirmedAt !== intent.confirmed_at ||
    decision.canceledAt !== intent.canceled_at;
  const updated: PaymentIntentRow = stateChanged
    ? {
        ...intent,
        status: decision.status,
        amount_received: decision.amountReceived,
        amount_confirmed: decision.amountConfirmed,
        overpaid_amount: decision.overpaidAmount,
        late: decision.late,
        confirmed_at: decision.confirmedAt,
        canceled_at: decision.canceledAt,
        updated_at: now,
      }
    : intent;

  const presentation = { chain, tip, publicUrl: context.publicUrl };
  // every event of one observation carries the intent as this observation leaves it; `sequence` orders them
  const intentObject = presentIntent(updated, payments, presentation, {
    maxPayments: EVENT_BODY_MAX_PAYMENTS,
  });
  const decimals = chain.assets.find((asset) => asset.symbol === intent.asset)!.decimals;
  let sequence = intent.event_sequence;
  for (const event of decision.events) {
    sequence += 1;
    const payment = payments.find((candidate) => candidate.id === event.paymentId);
    const id = newId("evt");
    // only an event caused by one payment carries it (contract section 4: `payment`?)
    const data: EventBody<EventType>["data"] = payment
      ? {
          payment_intent: intentObject,
          payment: presentPayment(payment, updated, decimals, presentation),
          sequence,
        }
      : { payment_intent: intentObject, sequence };
    writes.events.push({
      id,
      merchant_id: intent.merchant_id,
      intent_id: intent.id,
      payment_id: payment?.id ?? null,
      type: event.type,
      sequence,
      dedupe_key: `${intent.id}:${event.type}:${event.cause ?? `#${sequence}`}`,
      body: serializeEventBody({ id, type: event.type, createdAt: now, data }),
      created_at: now,
    });
  }
  if (stateChanged || sequence !== intent.event_sequence) {
    writes.changedIntents.push({ ...updated, event_sequence: sequence });
  }
  const changed = decision.transitions.length > 0 || updated !== intent;
  return { intentId: intent.id, intentObject, changed };
}

function toIntentFacts(intent: PaymentIntentRow) {
  return {
    id: intent.id,
    status: intent.status,
    amountDue: intent.amount_due,
    requiredConfirmations: intent.required_confirmations,
    underpaymentToleranceBps: intent.underpayment_tolerance_bps,
    expiresAt: intent.expires_at,
    monitoringEndsAt: intent.monitoring_ends_at,
    late: intent.late,
    overpaidAmount: intent.overpaid_amount,
    confirmedAt: intent.confirmed_at,
    canceledAt: intent.canceled_at,
  };
}
