import type { Db } from "../../packages/shared/src/index.ts";
import type { IntentFacts, PaymentFacts } from "./expected-events.ts";
import { expectedIntent, type PaidTransfer } from "./expected-state.ts";
import type { ReceivedWebhook } from "./flaky-receiver.ts";
import { checkIntentEvents } from "./oracle.ts";
import type { Inclusion, SentPayment } from "./payer.ts";

export interface PlannedIntent {
  id: string;
  kind: string;
  asset: string;
  amountDue: bigint;
  expiresAt: number;
}

export interface SoakFindings {
  violations: string[];
  counts: {
    intents: number;
    intentsByStatus: Record<string, number>;
    payments: number;
    paymentsRecorded: number;
    events: number;
    requestsReceived: number;
    accepted: number;
    duplicatesReceived: number;
    invalidSignatures: number;
    lost: number;
    deliveriesOpen: number;
    /** Intents whose delivered events are exactly what the plan and the chain say they must be. */
    eventSetsMatched: number;
  };
}

/**
 * Compares the gateway's record (database) and what the merchant received (receiver log) with the chain:
 * every intent in the state its payments imply, each payment counted once, every event accepted at least once
 * with a valid signature, no intent confirmed twice, no delivery left pending or failed.
 */
export async function checkSoak(input: {
  db: Db;
  intents: readonly PlannedIntent[];
  payments: readonly SentPayment[];
  inclusions: ReadonlyMap<string, Inclusion | undefined>;
  received: readonly ReceivedWebhook[];
  /** Chain times (ms) at which a reorg dropped each payment, by transaction hash. */
  drops: ReadonlyMap<string, readonly number[]>;
  now: number;
}): Promise<SoakFindings> {
  const { db } = input;
  const violations: string[] = [];
  const ids = input.intents.map((intent) => intent.id);
  const rows = new Map(
    (await db.selectFrom("payment_intents").selectAll().where("id", "in", ids).execute()).map((row) => [
      row.id,
      row,
    ]),
  );
  const recorded = await db.selectFrom("payments").selectAll().where("intent_id", "in", ids).execute();
  const events = await db.selectFrom("events").select(["id", "type", "intent_id"]).execute();
  const open = await db
    .selectFrom("deliveries")
    .select(["id", "status", "event_id"])
    .where("status", "!=", "succeeded")
    .execute();

  const sentTo = new Map<string, PaidTransfer[]>();
  const sentHashes = new Set<string>();
  for (const payment of input.payments) {
    const inclusion = input.inclusions.get(payment.hash);
    sentHashes.add(payment.hash.toLowerCase());
    if (!inclusion?.success) {
      violations.push(
        `payment ${payment.hash} to ${payment.intentId} is not on the chain (soak did not heal)`,
      );
      continue;
    }
    const list = sentTo.get(payment.intentId) ?? [];
    list.push({ amount: payment.amount, minedAt: inclusion.minedAt });
    sentTo.set(payment.intentId, list);
  }

  const byStatus: Record<string, number> = {};
  for (const intent of input.intents) {
    const row = rows.get(intent.id);
    if (!row) {
      violations.push(`${intent.id}: missing from the database`);
      continue;
    }
    byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    const expected = expectedIntent(intent, sentTo.get(intent.id) ?? [], input.now);
    const where = `${intent.id} (${intent.kind} ${intent.asset})`;
    if (row.status !== expected.status)
      violations.push(`${where}: status ${row.status}, payments imply ${expected.status}`);
    if (row.amount_received !== expected.received)
      violations.push(`${where}: amount_received ${row.amount_received}, paid ${expected.received}`);
    if (expected.status === "confirmed" && row.amount_confirmed !== expected.received)
      violations.push(`${where}: amount_confirmed ${row.amount_confirmed}, paid ${expected.received}`);
    if ((row.overpaid_amount ?? null) !== expected.overpaid)
      violations.push(
        `${where}: overpaid_amount ${row.overpaid_amount}, payments imply ${expected.overpaid}`,
      );
    if (expected.late !== undefined && row.late !== expected.late)
      violations.push(`${where}: late ${row.late}, payments imply ${expected.late}`);
  }

  // a payment is (chain, tx_hash, index): one row each, counted once, and only transfers we made
  const seen = new Set<string>();
  const countedByIntent = new Map<string, bigint>();
  for (const payment of recorded) {
    const key = `${payment.tx_hash.toLowerCase()}:${payment.output_index}`;
    if (seen.has(key)) violations.push(`payment ${key} recorded twice`);
    seen.add(key);
    if (!sentHashes.has(payment.tx_hash.toLowerCase()))
      violations.push(`payment ${key}: not a transfer the soak made`);
    if (payment.counted && payment.status !== "reverted")
      countedByIntent.set(payment.intent_id, (countedByIntent.get(payment.intent_id) ?? 0n) + payment.amount);
  }
  for (const intent of input.intents) {
    const row = rows.get(intent.id);
    const counted = countedByIntent.get(intent.id) ?? 0n;
    if (row && counted !== row.amount_received)
      violations.push(
        `${intent.id}: counted payments sum to ${counted}, amount_received ${row.amount_received}`,
      );
  }

  const accepted = new Map<string, number>();
  let invalidSignatures = 0;
  for (const request of input.received) {
    if (!request.valid) invalidSignatures++;
    if (request.valid && request.answer === 200)
      accepted.set(request.eventId, (accepted.get(request.eventId) ?? 0) + 1);
  }
  if (invalidSignatures > 0)
    violations.push(`${invalidSignatures} requests with a signature standardwebhooks rejects`);
  const lost = events.filter((event) => !accepted.has(event.id));
  for (const event of lost.slice(0, 10))
    violations.push(`event ${event.id} (${event.type}) never accepted by the receiver`);
  if (lost.length > 10) violations.push(`... and ${lost.length - 10} more events never accepted`);

  // distinct event ids per intent, in the record and at the receiver
  const confirmedEvents = new Map<string, Set<string>>();
  for (const event of events) {
    if (event.type !== "payment.confirmed" || !event.intent_id) continue;
    confirmedEvents.set(event.intent_id, (confirmedEvents.get(event.intent_id) ?? new Set()).add(event.id));
  }
  for (const request of input.received) {
    if (request.type !== "payment.confirmed" || !request.intentId || !request.valid) continue;
    confirmedEvents.set(
      request.intentId,
      (confirmedEvents.get(request.intentId) ?? new Set()).add(request.eventId),
    );
  }
  for (const [intentId, eventIds] of confirmedEvents) {
    if (eventIds.size > 1) violations.push(`${intentId}: payment.confirmed under ${eventIds.size} event ids`);
  }
  for (const intent of input.intents) {
    if (rows.get(intent.id)?.status === "confirmed" && !confirmedEvents.has(intent.id))
      violations.push(`${intent.id}: confirmed without a payment.confirmed event`);
  }

  for (const delivery of open.slice(0, 10))
    violations.push(`delivery ${delivery.id} of ${delivery.event_id} is ${delivery.status}`);
  if (open.length > 10) violations.push(`... and ${open.length - 10} more deliveries not succeeded`);

  const oracle = checkIntentEvents(
    input.intents.map((intent) => ({
      id: intent.id,
      label: `${intent.id} (${intent.kind} ${intent.asset})`,
      facts: intentFacts(intent, input),
    })),
    input.received,
  );
  violations.push(...oracle.violations);

  const duplicates = [...accepted.values()].reduce((sum, n) => sum + n - 1, 0);
  return {
    violations,
    counts: {
      intents: input.intents.length,
      intentsByStatus: byStatus,
      payments: input.payments.length,
      paymentsRecorded: recorded.length,
      events: events.length,
      requestsReceived: input.received.length,
      accepted: accepted.size,
      duplicatesReceived: duplicates,
      invalidSignatures,
      lost: lost.length,
      deliveriesOpen: open.length,
      eventSetsMatched: oracle.matched,
    },
  };
}

/** What the chain and the soak's own record say about an intent, for the event oracle. */
function intentFacts(
  intent: PlannedIntent,
  input: Pick<Parameters<typeof checkSoak>[0], "payments" | "inclusions" | "drops" | "now">,
): IntentFacts {
  const payments: PaymentFacts[] = [];
  for (const payment of input.payments) {
    const inclusion = input.inclusions.get(payment.hash);
    // a payment not on the chain is a violation of its own (above); it makes no events once healed
    if (payment.intentId !== intent.id || !inclusion?.success) continue;
    const drops = input.drops.get(payment.hash) ?? [];
    const finalLate = inclusion.minedAt > intent.expiresAt;
    payments.push({
      id: payment.hash.toLowerCase(),
      amount: payment.amount,
      // its first block was at or before the first drop: on time if that was; else only the final block is known.
      // Sent after expiry into a block stamped before it, the node's clock lagged the wall clock (Anvil's does
      // after a reorg): the watcher, which judges expiry by the clock, may have expired the intent first.
      firstMined:
        drops.length === 0
          ? finalLate
            ? "late"
            : payment.sentAt > intent.expiresAt
              ? "either"
              : "on-time"
          : drops[0]! <= intent.expiresAt && payment.sentAt <= intent.expiresAt
            ? "on-time"
            : "either",
      finalLate,
      drops: drops.map((at) => ({ afterExpiry: at > intent.expiresAt })),
    });
  }
  return { amountDue: intent.amountDue, expired: input.now > intent.expiresAt, payments };
}
