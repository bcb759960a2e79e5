import { sql } from "kysely";
import { type Chain, confirmationsOf } from "../chains/index.ts";
import type { Db } from "../db/connect.ts";
import type { EventRow, PaymentIntentRow, PaymentRow } from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";
import { type EventBody, serializeEventBody } from "../events/index.ts";
import { newId } from "../ids.ts";
import type { IntentObject } from "./intent-schema.ts";
import { EVENT_BODY_MAX_PAYMENTS, presentIntent, presentPayment } from "./present.ts";
import {
  type Command,
  type Decision,
  decideIntent,
  type EventType,
  type PaymentFacts,
} from "./state-machine.ts";

/** What a chain backend saw of one transfer to an intent's address. */
export interface PaymentObservation {
  txHash: string;
  /** Log index (ERC-20), output index (Bitcoin), 0 for a transaction's own value. */
  index: number;
  amount: bigint;
  /** null while in the mempool, or once vanished. */
  blockNumber: bigint | null;
  blockHash: string | null;
  blockTimestamp: Date | null;
  /** The transfer left the chain: reorged out, replaced, or dropped from the mempool. */
  vanished: boolean;
  rbf?: boolean;
}

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
  return db.transaction().execute(async (trx) => {
    const intent = await trx
      .selectFrom("payment_intents")
      .selectAll()
      .where("id", "=", request.intentId)
      .forUpdate()
      .executeTakeFirst();
    if (!intent) throw new NotFoundError("payment_intent", request.intentId);
    const chain = context.chains.get(intent.chain);
    if (!chain) throw new Error(`intent ${intent.id} is on unconfigured chain ${intent.chain}`);
    const now = context.now?.() ?? new Date();

    const cursor = await trx
      .selectFrom("chain_cursors")
      .select(["scanned_number", "finalized_number"])
      .where("chain", "=", intent.chain)
      .executeTakeFirst();
    const tip = {
      head: request.head ?? cursor?.scanned_number ?? null,
      finalized: cursor?.finalized_number ?? null,
    };

    const stored = await trx.selectFrom("payments").selectAll().where("intent_id", "=", intent.id).execute();
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

    const payments = await writePayments(trx, merged, decision, now);
    const updated = await writeIntent(trx, intent, decision, now);
    for (const transition of decision.transitions) {
      await trx
        .insertInto("intent_transitions")
        .values({
          intent_id: intent.id,
          from_status: transition.from,
          to_status: transition.to,
          reason: transition.reason,
          cause: request.cause,
          at: now,
        })
        .execute();
    }

    const presentation = { chain, tip, publicUrl: context.publicUrl };
    // every event of one observation carries the intent as this observation leaves it; `sequence` orders them
    const intentObject = presentIntent(updated, payments, presentation, {
      maxPayments: EVENT_BODY_MAX_PAYMENTS,
    });
    const events: EventRow[] = [];
    let sequence = intent.event_sequence;
    for (const decided of decision.events) {
      sequence += 1;
      const payment = payments.find((candidate) => candidate.id === decided.paymentId);
      const decimals = chain.assets.find((asset) => asset.symbol === intent.asset)!.decimals;
      const id = newId("evt");
      // only an event caused by one payment carries it (contract section 4: `payment`?)
      const data: EventBody<EventType>["data"] = payment
        ? {
            payment_intent: intentObject,
            payment: presentPayment(payment, updated, decimals, presentation),
            sequence,
          }
        : { payment_intent: intentObject, sequence };
      const row = await trx
        .insertInto("events")
        .values({
          id,
          merchant_id: intent.merchant_id,
          intent_id: intent.id,
          payment_id: payment?.id ?? null,
          type: decided.type,
          sequence,
          dedupe_key: `${intent.id}:${decided.type}:${decided.cause ?? `#${sequence}`}`,
          body: serializeEventBody({ id, type: decided.type, createdAt: now, data }),
          created_at: now,
        })
        .onConflict((conflict) => conflict.column("dedupe_key").doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) events.push(row);
    }
    if (sequence !== intent.event_sequence) {
      await trx
        .updateTable("payment_intents")
        .set({ event_sequence: sequence })
        .where("id", "=", intent.id)
        .execute();
    }
    if (events.length > 0) await sql`select pg_notify(${EVENTS_CHANNEL}, ${intent.id})`.execute(trx);

    const changed = decision.transitions.length > 0 || events.length > 0 || updated !== intent;
    return { intent: intentObject, events, changed };
  });
}

interface MergedPayment {
  row: PaymentRow;
  isNew: boolean;
  factsChanged: boolean;
}

/**
 * Folds observations into the stored payments. `paid_at` only moves earlier: a transaction first seen in the
 * mempool on time stays on time when it is mined later, and a re-mined one keeps its first time.
 */
export function mergeObservations(
  intent: Pick<PaymentIntentRow, "id" | "chain" | "address">,
  stored: readonly PaymentRow[],
  observations: readonly PaymentObservation[],
  now: Date,
): MergedPayment[] {
  const merged = stored.map((row) => ({ row, isNew: false, factsChanged: false }));
  for (const observation of observations) {
    const existing = merged.find(
      ({ row }) => row.tx_hash === observation.txHash && row.output_index === observation.index,
    );
    const observedAt = observation.blockTimestamp ?? now;
    if (!existing) {
      if (observation.vanished) continue; // never seen alive: nothing to record
      merged.push({
        isNew: true,
        factsChanged: true,
        row: {
          id: newId("pay"),
          intent_id: intent.id,
          chain: intent.chain,
          address: intent.address,
          tx_hash: observation.txHash,
          output_index: observation.index,
          amount: observation.amount,
          block_number: observation.blockNumber,
          block_hash: observation.blockHash,
          block_timestamp: observation.blockTimestamp,
          paid_at: observedAt,
          seen_at: now,
          rbf: observation.rbf ?? false,
          vanished: false,
          status: "pending",
          counted: false,
          revision: 0,
          updated_at: now,
        },
      });
      continue;
    }
    const row = existing.row;
    const next: PaymentRow = {
      ...row,
      block_number: observation.vanished ? null : observation.blockNumber,
      block_hash: observation.vanished ? null : observation.blockHash,
      block_timestamp: observation.vanished ? null : observation.blockTimestamp,
      paid_at: observation.vanished || observedAt >= row.paid_at ? row.paid_at : observedAt,
      rbf: observation.rbf ?? row.rbf,
      vanished: observation.vanished,
    };
    const changed =
      next.block_number !== row.block_number ||
      next.block_hash !== row.block_hash ||
      next.vanished !== row.vanished ||
      next.rbf !== row.rbf ||
      next.paid_at.getTime() !== row.paid_at.getTime();
    existing.row = next;
    existing.factsChanged ||= changed;
  }
  return merged;
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

async function writePayments(
  trx: Db,
  merged: readonly MergedPayment[],
  decision: Decision,
  now: Date,
): Promise<PaymentRow[]> {
  const rows: PaymentRow[] = [];
  for (const { row, isNew, factsChanged } of merged) {
    const decided = decision.payments.find((payment) => payment.id === row.id)!;
    const next: PaymentRow = {
      ...row,
      status: decided.status,
      counted: decided.counted,
      revision: decided.revision,
    };
    const decisionChanged =
      next.status !== row.status || next.counted !== row.counted || next.revision !== row.revision;
    if (isNew) {
      await trx
        .insertInto("payments")
        .values({ ...next, updated_at: now })
        .execute();
    } else if (factsChanged || decisionChanged) {
      const { id, ...fields } = next;
      await trx
        .updateTable("payments")
        .set({ ...fields, updated_at: now })
        .where("id", "=", id)
        .execute();
    }
    rows.push(next);
  }
  return rows;
}

async function writeIntent(
  trx: Db,
  intent: PaymentIntentRow,
  decision: Decision,
  now: Date,
): Promise<PaymentIntentRow> {
  const next: PaymentIntentRow = {
    ...intent,
    status: decision.status,
    amount_received: decision.amountReceived,
    amount_confirmed: decision.amountConfirmed,
    overpaid_amount: decision.overpaidAmount,
    late: decision.late,
    confirmed_at: decision.confirmedAt,
    canceled_at: decision.canceledAt,
  };
  const changed =
    next.status !== intent.status ||
    next.amount_received !== intent.amount_received ||
    next.amount_confirmed !== intent.amount_confirmed ||
    next.overpaid_amount !== intent.overpaid_amount ||
    next.late !== intent.late ||
    next.confirmed_at !== intent.confirmed_at ||
    next.canceled_at !== intent.canceled_at;
  if (!changed) return intent;
  await trx
    .updateTable("payment_intents")
    .set({
      status: next.status,
      amount_received: next.amount_received,
      amount_confirmed: next.amount_confirmed,
      overpaid_amount: next.overpaid_amount,
      late: next.late,
      confirmed_at: next.confirmed_at,
      canceled_at: next.canceled_at,
      updated_at: now,
    })
    .where("id", "=", intent.id)
    .execute();
  return { ...next, updated_at: now };
}
