import type { IntentStatus, PaymentStatus } from "../db/schema.ts";
import { IntentNotCancelableError } from "../errors.ts";

/**
 * The one place that decides what an intent is. Pure: (intent, payments, now, command) -> decision.
 * Callers persist the decision; nothing else writes intent state (see `reconcile.ts`).
 *
 * Rules (contract section 2):
 * - Payments count toward the intent when made by the end of the monitoring window and the intent was not
 *   canceled or closed; others are recorded but change nothing ("listed for operators"). The choice is made
 *   once, when a payment is first seen, and sticks.
 * - A payment is confirmed at `requiredConfirmations` and stays confirmed unless it leaves the chain.
 * - The intent is confirmed once confirmed payments reach `amountDue` minus the merchant's tolerance.
 *   Before expiry anything seen makes it pending; after expiry it is pending while enough is seen but not yet
 *   confirmed, underpaid when the seen total is short, expired when nothing is seen.
 * - A change of state walks only the contract's edges; a jump such as expired -> confirmed is recorded as
 *   expired -> pending -> confirmed.
 */

export type EventType =
  | "payment.pending"
  | "payment.confirmed"
  | "payment.underpaid"
  | "payment.expired"
  | "payment.overpaid"
  | "payment.reverted"
  | "payment.canceled";

export interface IntentFacts {
  id: string;
  status: IntentStatus;
  amountDue: bigint;
  requiredConfirmations: number;
  underpaymentToleranceBps: number;
  expiresAt: Date;
  monitoringEndsAt: Date;
  late: boolean;
  overpaidAmount: bigint | null;
  confirmedAt: Date | null;
  canceledAt: Date | null;
}

export interface PaymentFacts {
  id: string;
  amount: bigint;
  /** First seen (mempool) or mined: decides "on time" and "inside the monitoring window". */
  paidAt: Date;
  confirmations: number;
  vanished: boolean;
  /** The previous decision; null for a payment seen for the first time. */
  status: PaymentStatus | null;
  counted: boolean | null;
  revision: number;
}

/**
 * `chainTime`: the moment up to which the chain has been read (a scanner catching up is behind the wall clock).
 * Expiry and the monitoring window are judged at the earlier of it and `now`: a payment mined on time in a
 * block not read yet must not find its intent already underpaid or closed.
 */
export type Command = { kind: "observe"; chainTime?: Date } | { kind: "cancel" };

export interface PaymentDecision {
  id: string;
  status: PaymentStatus;
  counted: boolean;
  revision: number;
}

export interface Transition {
  from: IntentStatus;
  to: IntentStatus;
  reason: string;
}

export interface EventDecision {
  type: EventType;
  paymentId: string | null;
  /** Identifies the cause, so one cause makes one event (the outbox dedupe key); null: each occurrence is new. */
  cause: string | null;
}

export interface Decision {
  status: IntentStatus;
  amountReceived: bigint;
  amountConfirmed: bigint;
  overpaidAmount: bigint | null;
  late: boolean;
  confirmedAt: Date | null;
  canceledAt: Date | null;
  payments: PaymentDecision[];
  transitions: Transition[];
  events: EventDecision[];
}

/** The contract's transitions; anything else is a path through these. */
const edges: Record<IntentStatus, readonly IntentStatus[]> = {
  awaiting_payment: ["pending", "expired", "canceled"],
  pending: ["confirmed", "underpaid", "awaiting_payment"],
  underpaid: ["pending"],
  expired: ["pending"],
  confirmed: [],
  canceled: [],
};

const stateEvents: Partial<Record<IntentStatus, EventType>> = {
  confirmed: "payment.confirmed",
  underpaid: "payment.underpaid",
  expired: "payment.expired",
  canceled: "payment.canceled",
};

export function isTerminal(status: IntentStatus): boolean {
  return status === "confirmed" || status === "canceled";
}

/** After the monitoring window, expired and underpaid are final too. */
export function isClosed(intent: Pick<IntentFacts, "status" | "monitoringEndsAt">, now: Date): boolean {
  if (isTerminal(intent.status)) return true;
  return (intent.status === "expired" || intent.status === "underpaid") && now > intent.monitoringEndsAt;
}

/** The least amount that settles the intent: due minus the tolerance, the tolerance rounded down. */
export function minimumAcceptable(amountDue: bigint, toleranceBps: number): bigint {
  return amountDue - (amountDue * BigInt(toleranceBps)) / 10_000n;
}

interface Judged {
  before: PaymentFacts;
  after: PaymentDecision;
}

export function decideIntent(
  intent: IntentFacts,
  payments: readonly PaymentFacts[],
  now: Date,
  command: Command,
): Decision {
  const judgedAt =
    command.kind === "observe" && command.chainTime && command.chainTime < now ? command.chainTime : now;
  // confirmed intents still take payments (overpayment); canceled and closed ones only record them
  const acceptsPayments = intent.status === "confirmed" || !isClosed(intent, judgedAt);
  const judged: Judged[] = payments.map((before) => ({
    before,
    after: decidePayment(intent, before, acceptsPayments),
  }));
  const live = judged.filter(({ after }) => after.counted && after.status !== "reverted");
  const amountReceived = sum(live.map(({ before }) => before.amount));
  const amountConfirmed = sum(
    live.filter(({ after }) => after.status === "confirmed").map(({ before }) => before.amount),
  );

  const observed = isClosed(intent, judgedAt)
    ? intent.status
    : targetStatus(intent, amountReceived, amountConfirmed, judgedAt);
  const target = command.kind === "cancel" ? cancelTarget(intent, observed) : observed;
  const toTransition = ([from, to]: [IntentStatus, IntentStatus]): Transition => ({
    from,
    to,
    reason: reasonFor(to, command),
  });
  const { lapsed, path } = walk(intent, live, target, judgedAt);
  const transitions = [...lapsed, ...path].map(toTransition);

  const settled = target === "confirmed";
  const excess = amountReceived - intent.amountDue;
  const overpaidAmount = settled ? (excess > 0n ? excess : null) : intent.overpaidAmount;
  const late =
    intent.status === "confirmed" ? intent.late : live.some(({ before }) => before.paidAt > intent.expiresAt);

  return {
    status: target,
    amountReceived,
    amountConfirmed,
    overpaidAmount,
    late,
    confirmedAt: intent.confirmedAt ?? (settled ? now : null),
    canceledAt: intent.canceledAt ?? (target === "canceled" ? now : null),
    payments: judged.map(({ after }) => after),
    transitions,
    events: eventsFor(intent, judged, lapsed.map(toTransition), path.map(toTransition), overpaidAmount),
  };
}

/**
 * Order (it becomes the events' `sequence`): what left the chain, an expiry that lapsed before the payments
 * now seen, what newly arrived, the state changes, then overpayment. Payment events carry the payment's
 * revision as their cause; state events and overpayment none (each occurrence is new): an overpayment that
 * shrinks (a payment reverted) and grows back to the same amount is news again.
 */
function eventsFor(
  intent: IntentFacts,
  judged: readonly Judged[],
  lapsed: readonly Transition[],
  transitions: readonly Transition[],
  overpaidAmount: bigint | null,
): EventDecision[] {
  const events: EventDecision[] = [];
  const stateEvent = (transition: Transition) => {
    const type = stateEvents[transition.to];
    if (type) events.push({ type, paymentId: null, cause: null });
  };
  const wasLive = (payment: PaymentFacts) => payment.status === "pending" || payment.status === "confirmed";
  for (const { before, after } of judged) {
    if (after.counted && wasLive(before) && after.status === "reverted") {
      events.push({ type: "payment.reverted", paymentId: after.id, cause: `${after.id}@${before.revision}` });
    }
  }
  lapsed.forEach(stateEvent);
  for (const { before, after } of judged) {
    const arrived = after.counted && !wasLive(before) && after.status !== "reverted";
    if (arrived && intent.status !== "confirmed") {
      events.push({ type: "payment.pending", paymentId: after.id, cause: `${after.id}@${after.revision}` });
    }
  }
  transitions.forEach(stateEvent);
  if (overpaidAmount !== null && overpaidAmount > (intent.overpaidAmount ?? 0n)) {
    events.push({
      type: "payment.overpaid",
      paymentId: newestLivePayment(judged),
      cause: null,
    });
  }
  return events;
}

function decidePayment(
  intent: IntentFacts,
  payment: PaymentFacts,
  acceptsPayments: boolean,
): PaymentDecision {
  const counted = payment.counted ?? (acceptsPayments && payment.paidAt <= intent.monitoringEndsAt);
  const wasReverted = payment.status === "reverted";
  if (payment.vanished) return { id: payment.id, status: "reverted", counted, revision: payment.revision };
  const confirmed = payment.status === "confirmed" || payment.confirmations >= intent.requiredConfirmations;
  return {
    id: payment.id,
    status: confirmed ? "confirmed" : "pending",
    counted,
    // a payment back on the chain after a revert is a new sighting: its events get a new cause
    revision: wasReverted ? payment.revision + 1 : payment.revision,
  };
}

function targetStatus(
  intent: IntentFacts,
  amountReceived: bigint,
  amountConfirmed: bigint,
  now: Date,
): IntentStatus {
  if (isTerminal(intent.status)) return intent.status;
  const minimum = minimumAcceptable(intent.amountDue, intent.underpaymentToleranceBps);
  if (amountConfirmed > 0n && amountConfirmed >= minimum) return "confirmed";
  const pastExpiry = now > intent.expiresAt;
  if (amountReceived === 0n) return pastExpiry ? "expired" : "awaiting_payment";
  if (!pastExpiry) return "pending";
  // after expiry the seen total decides: short is underpaid even while a payment still confirms (it may never)
  return amountReceived >= minimum ? "pending" : "underpaid";
}

/**
 * The edges from the stored status to the target. An intent still stored as `awaiting_payment` whose expiry
 * passed before any live payment was made expired first (the sweep had not written it yet): its late payment
 * walks `awaiting_payment -> expired -> pending`, as if the sweep had been on time.
 */
function walk(
  intent: IntentFacts,
  live: readonly Judged[],
  target: IntentStatus,
  now: Date,
): { lapsed: [IntentStatus, IntentStatus][]; path: [IntentStatus, IntentStatus][] } {
  const expiredUnwritten =
    intent.status === "awaiting_payment" &&
    now > intent.expiresAt &&
    target !== "expired" &&
    live.every(({ before }) => before.paidAt > intent.expiresAt);
  if (!expiredUnwritten) return { lapsed: [], path: pathBetween(intent.status, target) };
  return { lapsed: [["awaiting_payment", "expired"]], path: pathBetween("expired", target) };
}

/**
 * Judged on the facts as of now, not only the stored status: an intent whose expiry has passed is expired even
 * if the sweep has not written it yet, and one whose payment is seen in this very decision is pending.
 */
function cancelTarget(intent: IntentFacts, observed: IntentStatus): IntentStatus {
  if (intent.status !== "awaiting_payment" || observed !== "awaiting_payment") {
    throw new IntentNotCancelableError(intent.id, observed);
  }
  return "canceled";
}

function reasonFor(to: IntentStatus, command: Command): string {
  if (command.kind === "cancel") return "canceled by the merchant";
  switch (to) {
    case "pending":
      return "payment seen";
    case "confirmed":
      return "confirmed payments reach the amount due";
    case "underpaid":
      return "expired with the seen total short of the amount due";
    case "expired":
      return "expired with no payment seen";
    case "awaiting_payment":
      return "every seen payment left the chain";
    default:
      return to;
  }
}

/** Shortest walk along the contract's edges (breadth-first over six states). */
export function pathBetween(from: IntentStatus, to: IntentStatus): [IntentStatus, IntentStatus][] {
  if (from === to) return [];
  const previous = new Map<IntentStatus, IntentStatus>([[from, from]]);
  const queue: IntentStatus[] = [from];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of edges[current]) {
      if (previous.has(next)) continue;
      previous.set(next, current);
      queue.push(next);
    }
  }
  if (!previous.has(to)) throw new Error(`no transition path from ${from} to ${to}`);
  const steps: [IntentStatus, IntentStatus][] = [];
  for (let at = to; at !== from; at = previous.get(at)!) steps.unshift([previous.get(at)!, at]);
  return steps;
}

function sum(values: bigint[]): bigint {
  return values.reduce((total, value) => total + value, 0n);
}

function newestLivePayment(judged: readonly Judged[]): string | null {
  const live = judged
    .filter(({ after }) => after.counted && after.status !== "reverted")
    .map(({ before }) => before);
  live.sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime() || a.id.localeCompare(b.id));
  return live.at(-1)?.id ?? null;
}
