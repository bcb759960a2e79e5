/**
 * The events an intent must have produced, stated a second time from the contract (sections 2 and 4) and
 * independently of the gateway's state machine, so the soak can catch a bug in it.
 *
 * An intent's life is a sequence of steps the chain dictates: a payment is seen, a payment reaches its
 * confirmations, the chain's time passes `expires_at`, a reorg removes a payment (then it is seen again). The
 * rules, applied after each step:
 * - a payment seen while the intent is not confirmed makes a `payment.pending` (a payment seen again after a
 *   reorg is a new sighting); a seen payment that leaves the chain makes a `payment.reverted`;
 * - entering `confirmed`, `underpaid` or `expired` makes the event of that name; `pending` and
 *   `awaiting_payment` make none, so a path through them (underpaid -> pending -> awaiting -> expired) makes
 *   only the last state's event;
 * - once confirmed, the received total above the amount due makes `payment.overpaid` whenever it grows past
 *   the excess last reported (it is reset when a reorg takes the excess away).
 * Whether a payment is on time is fixed at its first sighting (the chain's time of its first block).
 *
 * Without a reorg the steps are fixed by the chain: each payment is seen before expiry or after it (its block
 * time), and its confirmation follows. Their interleaving does not change the events, so the expected multiset
 * is exact. A reorg brings facts the chain no longer shows: whether the watcher saw the dropped payment before
 * it vanished, whether it had confirmed it, and, for a drop at the chain time of expiry or later, on which
 * side of expiry the watcher noticed it. For those intents `expectedEventSets` lists every multiset the
 * possible histories give (each one exact, a revert always paired with its sighting again), and the log must
 * equal one of them; the ambiguity is bounded by the drops the soak itself made.
 */

export type EventType =
  | "payment.pending"
  | "payment.confirmed"
  | "payment.underpaid"
  | "payment.expired"
  | "payment.overpaid"
  | "payment.reverted";

export interface PaymentFacts {
  /** The transaction hash: payment events are keyed by it. */
  id: string;
  amount: bigint;
  /** Its first block relative to `expires_at`: from the chain, `either` when a reorg moved it across. */
  firstMined: "on-time" | "late" | "either";
  /** Its final block's time is after `expires_at`: its last sighting comes after expiry. */
  finalLate: boolean;
  /** Each time a reorg dropped it: was the chain's time already past `expires_at`. */
  drops: readonly { afterExpiry: boolean }[];
}

export interface IntentFacts {
  amountDue: bigint;
  /** The chain's time (and the clock) passed `expires_at` by the check. */
  expired: boolean;
  payments: readonly PaymentFacts[];
}

/** A step of one payment; `expiry` says which side of expiry it must fall on, when the chain tells. */
interface PaymentStep {
  kind: "sight" | "confirm" | "revert";
  payment: number;
  expiry?: "before" | "after";
}
type Step = PaymentStep | { kind: "expire" };

type Status = "awaiting_payment" | "pending" | "confirmed" | "underpaid" | "expired";

const stateEvents: Partial<Record<Status, EventType>> = {
  confirmed: "payment.confirmed",
  underpaid: "payment.underpaid",
  expired: "payment.expired",
};

/** `type` or `type@payment` for the events that concern one payment. */
export function eventKey(type: string, paymentId: string | undefined): string {
  return type === "payment.pending" || type === "payment.reverted" ? `${type}@${paymentId ?? "?"}` : type;
}

interface Life {
  status: Status;
  pastExpiry: boolean;
  live: readonly boolean[];
  confirmed: readonly boolean[];
  reportedExcess: bigint;
  events: readonly string[];
}

function born(intent: IntentFacts): Life {
  const none = intent.payments.map(() => false);
  return {
    status: "awaiting_payment",
    pastExpiry: false,
    live: none,
    confirmed: none,
    reportedExcess: 0n,
    events: [],
  };
}

/** One step of an intent's life and the rules applied after it. */
function apply(intent: IntentFacts, life: Life, step: Step): Life {
  const events = [...life.events];
  const live = [...life.live];
  const confirmed = [...life.confirmed];
  let pastExpiry = life.pastExpiry;
  if (step.kind === "expire") pastExpiry = true;
  else {
    const id = intent.payments[step.payment]!.id;
    if (step.kind === "sight") {
      if (life.status !== "confirmed") events.push(eventKey("payment.pending", id));
      live[step.payment] = true;
    } else if (step.kind === "confirm") {
      confirmed[step.payment] = true;
    } else {
      events.push(eventKey("payment.reverted", id));
      live[step.payment] = false;
      confirmed[step.payment] = false;
    }
  }

  const received = sumWhere(intent, live);
  const confirmedTotal = sumWhere(
    intent,
    live.map((isLive, i) => isLive && confirmed[i]!),
  );
  let status: Status;
  if (life.status === "confirmed" || (confirmedTotal > 0n && confirmedTotal >= intent.amountDue))
    status = "confirmed";
  else if (received === 0n) status = pastExpiry ? "expired" : "awaiting_payment";
  else if (!pastExpiry || received >= intent.amountDue) status = "pending";
  else status = "underpaid";
  const entered = stateEvents[status];
  if (status !== life.status && entered) events.push(entered);
  let reportedExcess = life.reportedExcess;
  if (status === "confirmed") {
    const excess = received > intent.amountDue ? received - intent.amountDue : 0n;
    if (excess > reportedExcess) events.push("payment.overpaid");
    reportedExcess = excess;
  }
  return { status, pastExpiry, live, confirmed, reportedExcess, events };
}

/** The events (as `eventKey`s) one history of steps makes. */
export function simulate(intent: IntentFacts, steps: readonly Step[]): string[] {
  return [...steps.reduce((life, step) => apply(intent, life, step), born(intent)).events];
}

/**
 * Every multiset of events the intent's possible histories give, each as a sorted list of `eventKey`s; exactly
 * one when no reorg dropped any of its payments.
 */
export function expectedEventSets(intent: IntentFacts): string[][] {
  const chains = intent.payments.map((payment, i) => paymentHistories(payment, i));
  const found = new Map<string, string[]>();
  const choose = (index: number, picked: Step[][]) => {
    if (index === chains.length) {
      for (const events of outcomes(intent, picked)) found.set(events.join(","), events);
      return;
    }
    for (const chain of chains[index]!) choose(index + 1, [...picked, chain]);
  };
  choose(0, []);
  return [...found.values()];
}

/**
 * One payment's possible step chains: its first sighting; for each drop the watcher saw (any number up to the
 * drops made) a confirmation or not, the revert and a sighting again; its final confirmation. The final
 * sighting is on the side of expiry its final block is; a sighting in a block a reorg later removed, on either.
 */
function paymentHistories(payment: PaymentFacts, index: number): Step[][] {
  const first = withSide(
    { kind: "sight", payment: index },
    payment.firstMined === "on-time" ? "before" : payment.firstMined === "late" ? "after" : undefined,
  );
  // a revert is surely after expiry only when every drop was: the watcher saw some of them, not which
  const revert = withSide(
    { kind: "revert", payment: index },
    payment.drops.every((drop) => drop.afterExpiry) ? "after" : undefined,
  );
  const confirm: Step = { kind: "confirm", payment: index };
  const finalSide = payment.finalLate ? "after" : "before";
  const histories: Step[][] = [];
  const extend = (done: Step[], lastSight: PaymentStep, seenDrops: number) => {
    // seen once only: in its first block (then moved without the watcher noticing) or in its final one
    const last =
      seenDrops > 0
        ? withSide(lastSight, finalSide)
        : lastSight.expiry === finalSide
          ? lastSight
          : withSide(lastSight, undefined);
    histories.push([...done, last, confirm]);
    if (seenDrops === payment.drops.length) return;
    const again = withSide({ kind: "sight", payment: index }, undefined);
    const sighted = seenDrops === 0 ? lastSight : withSide(lastSight, undefined);
    extend([...done, sighted, revert], again, seenDrops + 1);
    extend([...done, sighted, confirm, revert], again, seenDrops + 1);
  };
  extend([], first, 0);
  return histories;
}

function withSide(step: PaymentStep, side: "before" | "after" | undefined): PaymentStep {
  const { expiry: _, ...rest } = step;
  return side ? { ...rest, expiry: side } : rest;
}

/**
 * The sorted events of every order of the chains' steps (each chain's own order kept) with the expiry step
 * where the steps' sides allow it. Orders reaching the same point of the same life are walked once.
 */
function outcomes(intent: IntentFacts, chains: readonly Step[][]): string[][] {
  const results = new Map<string, string[]>();
  const visited = new Set<string>();
  const positions = chains.map(() => 0);
  const walk = (life: Life) => {
    const key = `${positions.join(".")}|${life.status}|${life.pastExpiry}|${life.live}|${life.confirmed}|${life.reportedExcess}|${[...life.events].sort()}`;
    if (visited.has(key)) return;
    visited.add(key);
    if (intent.expired && !life.pastExpiry) walk(apply(intent, life, { kind: "expire" }));
    if (positions.every((position, i) => position === chains[i]!.length)) {
      if (life.pastExpiry === intent.expired) {
        const events = [...life.events].sort();
        results.set(events.join(","), events);
      }
      return;
    }
    for (const [i, chain] of chains.entries()) {
      const step = chain[positions[i]!];
      if (!step || step.kind === "expire") continue;
      if (step.expiry === "before" && life.pastExpiry) continue;
      if (step.expiry === "after" && !life.pastExpiry) continue;
      positions[i]!++;
      walk(apply(intent, life, step));
      positions[i]!--;
    }
  };
  walk(born(intent));
  return [...results.values()];
}

function sumWhere(intent: IntentFacts, mask: readonly boolean[]): bigint {
  return intent.payments.reduce((total, payment, i) => (mask[i] ? total + payment.amount : total), 0n);
}
