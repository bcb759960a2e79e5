import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IntentStatus } from "../db/schema.ts";
import { IntentNotCancelableError } from "../errors.ts";
import {
  type Command,
  type Decision,
  decideIntent,
  type EventType,
  type IntentFacts,
  isClosed,
  minimumAcceptable,
  type PaymentFacts,
  pathBetween,
} from "./state-machine.ts";

// The contract's edges (section 2), written out here as the oracle the state machine is checked against.
const contractEdges: Record<IntentStatus, readonly IntentStatus[]> = {
  awaiting_payment: ["pending", "expired", "canceled"],
  pending: ["confirmed", "underpaid", "awaiting_payment"],
  underpaid: ["pending"],
  expired: ["pending"],
  confirmed: [],
  canceled: [],
};

const start = Date.parse("2026-01-01T00:00:00.000Z");
/** A moment `seconds` after the intent was created. */
const at = (seconds: number) => new Date(start + seconds * 1000);
const EXPIRES_S = 900;
const WINDOW_ENDS_S = EXPIRES_S + 3600;
const justAfter = (moment: Date) => new Date(moment.getTime() + 1);

function intentFacts(overrides: Partial<IntentFacts> = {}): IntentFacts {
  return {
    id: "pi_test",
    status: "awaiting_payment",
    amountDue: 1000n,
    requiredConfirmations: 3,
    underpaymentToleranceBps: 0,
    expiresAt: at(EXPIRES_S),
    monitoringEndsAt: at(WINDOW_ENDS_S),
    late: false,
    overpaidAmount: null,
    confirmedAt: null,
    canceledAt: null,
    ...overrides,
  };
}

/** A payment seen for the first time (no previous decision). */
function newPayment(id: string, overrides: Partial<PaymentFacts> = {}): PaymentFacts {
  return {
    id,
    amount: 1000n,
    paidAt: at(60),
    confirmations: 0,
    vanished: false,
    status: null,
    counted: null,
    revision: 0,
    ...overrides,
  };
}

/** A payment an earlier decision already judged (counted, with the given status). */
function knownPayment(id: string, overrides: Partial<PaymentFacts> = {}): PaymentFacts {
  return newPayment(id, { status: "pending", counted: true, ...overrides });
}

interface World {
  intent: IntentFacts;
  payments: PaymentFacts[];
}

/** The fold the persistence layer performs: write the decision back onto the facts. */
function applyDecision(world: World, decision: Decision): World {
  return {
    intent: {
      ...world.intent,
      status: decision.status,
      late: decision.late,
      overpaidAmount: decision.overpaidAmount,
      confirmedAt: decision.confirmedAt,
      canceledAt: decision.canceledAt,
    },
    payments: world.payments.map((payment) => {
      const decided = decision.payments.find((candidate) => candidate.id === payment.id)!;
      return { ...payment, status: decided.status, counted: decided.counted, revision: decided.revision };
    }),
  };
}

/** The statuses a decision walks through, starting with the one it started from. */
function pathOf(from: IntentStatus, decision: Decision): IntentStatus[] {
  return [from, ...decision.transitions.map((transition) => transition.to)];
}

const eventTypes = (decision: Decision) => decision.events.map((event) => event.type);

interface Row {
  name: string;
  intent: IntentFacts;
  payments: PaymentFacts[];
  now: Date;
  command?: Command;
  expected: {
    path: IntentStatus[];
    events: EventType[];
    amountReceived?: bigint;
    amountConfirmed?: bigint;
    late?: boolean;
    overpaidAmount?: bigint | null;
    payments?: Partial<Decision["payments"][number]>[];
  };
}

const rows: Row[] = [
  {
    name: "awaiting_payment -> pending when a payment is seen",
    intent: intentFacts(),
    payments: [newPayment("pay_1", { amount: 1000n })],
    now: at(61),
    expected: {
      path: ["awaiting_payment", "pending"],
      events: ["payment.pending"],
      amountReceived: 1000n,
      amountConfirmed: 0n,
      late: false,
      payments: [{ id: "pay_1", status: "pending", counted: true, revision: 0 }],
    },
  },
  {
    name: "pending stays pending one confirmation short of the threshold",
    intent: intentFacts({ status: "pending" }),
    payments: [knownPayment("pay_1", { confirmations: 2 })],
    now: at(120),
    expected: { path: ["pending"], events: [], amountConfirmed: 0n },
  },
  {
    name: "pending -> confirmed exactly at required confirmations",
    intent: intentFacts({ status: "pending" }),
    payments: [knownPayment("pay_1", { confirmations: 3 })],
    now: at(120),
    expected: {
      path: ["pending", "confirmed"],
      events: ["payment.confirmed"],
      amountConfirmed: 1000n,
      overpaidAmount: null,
      payments: [{ id: "pay_1", status: "confirmed" }],
    },
  },
  {
    name: "awaiting_payment stays while now equals expires_at",
    intent: intentFacts(),
    payments: [],
    now: at(EXPIRES_S),
    expected: { path: ["awaiting_payment"], events: [] },
  },
  {
    name: "awaiting_payment -> expired once now is past expires_at",
    intent: intentFacts(),
    payments: [],
    now: justAfter(at(EXPIRES_S)),
    expected: { path: ["awaiting_payment", "expired"], events: ["payment.expired"] },
  },
  {
    name: "a payment made exactly at expires_at is on time",
    intent: intentFacts(),
    payments: [newPayment("pay_1", { paidAt: at(EXPIRES_S) })],
    now: at(EXPIRES_S + 30),
    expected: { path: ["awaiting_payment", "pending"], events: ["payment.pending"], late: false },
  },
  {
    name: "pending -> underpaid after expiry when every payment is confirmed and short",
    intent: intentFacts({ status: "pending" }),
    payments: [knownPayment("pay_1", { amount: 400n, status: "confirmed", confirmations: 5 })],
    now: justAfter(at(EXPIRES_S)),
    expected: {
      path: ["pending", "underpaid"],
      events: ["payment.underpaid"],
      amountReceived: 400n,
      amountConfirmed: 400n,
    },
  },
  {
    name: "pending -> underpaid after expiry when the seen total is short, even with a payment still confirming",
    intent: intentFacts({ status: "pending" }),
    payments: [
      knownPayment("pay_1", { amount: 400n, status: "confirmed", confirmations: 5 }),
      knownPayment("pay_2", { amount: 100n, confirmations: 1 }),
    ],
    now: justAfter(at(EXPIRES_S)),
    expected: {
      path: ["pending", "underpaid"],
      events: ["payment.underpaid"],
      amountReceived: 500n,
      amountConfirmed: 400n,
    },
  },
  {
    name: "pending stays pending after expiry while enough is seen but not yet confirmed",
    intent: intentFacts({ status: "pending" }),
    payments: [
      knownPayment("pay_1", { amount: 400n, status: "confirmed", confirmations: 5 }),
      knownPayment("pay_2", { amount: 600n, confirmations: 1 }),
    ],
    now: justAfter(at(EXPIRES_S)),
    expected: { path: ["pending"], events: [], amountReceived: 1000n, amountConfirmed: 400n },
  },
  {
    name: "an unconfirmed short payment at expiry is underpaid (a mempool payment may never confirm)",
    intent: intentFacts({ status: "pending" }),
    payments: [knownPayment("pay_1", { amount: 400n, confirmations: 0 })],
    now: justAfter(at(EXPIRES_S)),
    expected: { path: ["pending", "underpaid"], events: ["payment.underpaid"], amountConfirmed: 0n },
  },
  {
    name: "underpaid stays underpaid on a top-up that is still short, and reports the payment",
    intent: intentFacts({ status: "underpaid" }),
    payments: [
      knownPayment("pay_1", { amount: 400n, status: "confirmed", confirmations: 9 }),
      newPayment("pay_2", { amount: 100n, paidAt: at(EXPIRES_S + 600) }),
    ],
    now: at(EXPIRES_S + 601),
    expected: { path: ["underpaid"], events: ["payment.pending"], amountReceived: 500n, late: true },
  },
  {
    name: "a scanner behind the clock does not judge expiry yet: an on-time partial payment stays pending",
    intent: intentFacts({ status: "pending" }),
    payments: [knownPayment("pay_1", { amount: 400n, paidAt: at(EXPIRES_S - 600), confirmations: 3 })],
    now: at(EXPIRES_S + 600),
    command: { kind: "observe", chainTime: at(EXPIRES_S - 300) },
    expected: { path: ["pending"], events: [], amountConfirmed: 400n },
  },
  {
    name: "... and once the chain is read past expiry, the same facts are underpaid",
    intent: intentFacts({ status: "pending" }),
    payments: [knownPayment("pay_1", { amount: 400n, paidAt: at(EXPIRES_S - 600), confirmations: 3 })],
    now: at(EXPIRES_S + 600),
    command: { kind: "observe", chainTime: justAfter(at(EXPIRES_S)) },
    expected: { path: ["pending", "underpaid"], events: ["payment.underpaid"] },
  },
  {
    name: "a chain time ahead of the clock (a miner's clock) is not trusted: the clock judges",
    intent: intentFacts({ status: "pending" }),
    payments: [knownPayment("pay_1", { amount: 400n, paidAt: at(EXPIRES_S - 600), confirmations: 3 })],
    now: at(EXPIRES_S - 60),
    command: { kind: "observe", chainTime: at(EXPIRES_S + 60) },
    expected: { path: ["pending"], events: [] },
  },
  {
    name: "a late payment to an intent the sweep has not expired yet walks through expired first",
    intent: intentFacts(),
    payments: [newPayment("pay_1", { paidAt: at(EXPIRES_S + 30) })],
    now: at(EXPIRES_S + 60),
    expected: {
      path: ["awaiting_payment", "expired", "pending"],
      events: ["payment.expired", "payment.pending"],
      late: true,
    },
  },
  {
    name: "... and straight on to confirmed when that late payment is already confirmed",
    intent: intentFacts(),
    payments: [newPayment("pay_1", { paidAt: at(EXPIRES_S + 30), confirmations: 3 })],
    now: at(EXPIRES_S + 60),
    expected: {
      path: ["awaiting_payment", "expired", "pending", "confirmed"],
      events: ["payment.expired", "payment.pending", "payment.confirmed"],
      late: true,
    },
  },
  {
    name: "a payment on time but first seen after expiry goes straight to pending",
    intent: intentFacts(),
    payments: [newPayment("pay_1", { paidAt: at(EXPIRES_S - 5) })],
    now: at(EXPIRES_S + 60),
    expected: { path: ["awaiting_payment", "pending"], events: ["payment.pending"], late: false },
  },
  {
    name: "underpaid -> pending on a top-up inside the monitoring window",
    intent: intentFacts({ status: "underpaid" }),
    payments: [
      knownPayment("pay_1", { amount: 400n, status: "confirmed", confirmations: 9 }),
      newPayment("pay_2", { amount: 600n, paidAt: at(EXPIRES_S + 600) }),
    ],
    now: at(EXPIRES_S + 601),
    expected: {
      path: ["underpaid", "pending"],
      events: ["payment.pending"],
      amountReceived: 1000n,
      amountConfirmed: 400n,
      late: true,
    },
  },
  {
    name: "underpaid -> pending -> confirmed when the top-up arrives already confirmed",
    intent: intentFacts({ status: "underpaid" }),
    payments: [
      knownPayment("pay_1", { amount: 400n, status: "confirmed", confirmations: 9 }),
      newPayment("pay_2", { amount: 600n, paidAt: at(EXPIRES_S + 600), confirmations: 3 }),
    ],
    now: at(EXPIRES_S + 700),
    expected: {
      path: ["underpaid", "pending", "confirmed"],
      events: ["payment.pending", "payment.confirmed"],
      amountConfirmed: 1000n,
    },
  },
  {
    name: "expired -> pending with late=true for a late payment inside the window",
    intent: intentFacts({ status: "expired" }),
    payments: [newPayment("pay_1", { paidAt: justAfter(at(EXPIRES_S)) })],
    now: at(EXPIRES_S + 60),
    expected: { path: ["expired", "pending"], events: ["payment.pending"], late: true },
  },
  {
    name: "expired -> pending -> confirmed when a late payment arrives already confirmed",
    intent: intentFacts({ status: "expired" }),
    payments: [newPayment("pay_1", { paidAt: at(EXPIRES_S + 60), confirmations: 4 })],
    now: at(EXPIRES_S + 120),
    expected: {
      path: ["expired", "pending", "confirmed"],
      events: ["payment.pending", "payment.confirmed"],
      late: true,
      amountConfirmed: 1000n,
    },
  },
  {
    name: "pending -> awaiting_payment when every seen payment vanished",
    intent: intentFacts({ status: "pending" }),
    payments: [
      knownPayment("pay_1", { vanished: true }),
      knownPayment("pay_2", { amount: 5n, vanished: true }),
    ],
    now: at(300),
    expected: {
      path: ["pending", "awaiting_payment"],
      events: ["payment.reverted", "payment.reverted"],
      amountReceived: 0n,
      payments: [
        { id: "pay_1", status: "reverted", counted: true, revision: 0 },
        { id: "pay_2", status: "reverted", counted: true, revision: 0 },
      ],
    },
  },
  {
    name: "pending stays pending when only one of two payments vanished",
    intent: intentFacts({ status: "pending" }),
    payments: [knownPayment("pay_1", { vanished: true }), knownPayment("pay_2", { amount: 5n })],
    now: at(300),
    expected: { path: ["pending"], events: ["payment.reverted"], amountReceived: 5n },
  },
  {
    name: "pending -> awaiting_payment -> expired when payments vanish after expiry",
    intent: intentFacts({ status: "pending" }),
    payments: [knownPayment("pay_1", { vanished: true })],
    now: at(EXPIRES_S + 10),
    expected: {
      path: ["pending", "awaiting_payment", "expired"],
      events: ["payment.reverted", "payment.expired"],
      amountReceived: 0n,
    },
  },
  {
    name: "a reverted payment back on the chain is a new sighting (revision + 1)",
    intent: intentFacts({ status: "awaiting_payment" }),
    payments: [knownPayment("pay_1", { status: "reverted", revision: 0, confirmations: 1 })],
    now: at(300),
    expected: {
      path: ["awaiting_payment", "pending"],
      events: ["payment.pending"],
      payments: [{ id: "pay_1", status: "pending", counted: true, revision: 1 }],
    },
  },
  {
    name: "underpaid within the merchant's tolerance confirms (S9)",
    intent: intentFacts({ status: "pending", amountDue: 10_000n, underpaymentToleranceBps: 100 }),
    payments: [knownPayment("pay_1", { amount: 9_900n, confirmations: 3 })],
    now: at(300),
    expected: { path: ["pending", "confirmed"], events: ["payment.confirmed"], overpaidAmount: null },
  },
  {
    name: "one base unit below the tolerance does not confirm",
    intent: intentFacts({ status: "pending", amountDue: 10_000n, underpaymentToleranceBps: 100 }),
    payments: [knownPayment("pay_1", { amount: 9_899n, confirmations: 3 })],
    now: at(300),
    expected: { path: ["pending"], events: [] },
  },
  {
    name: "tolerance rounds down: 1% of 1001 tolerates 10 units, so 990 is short",
    intent: intentFacts({ status: "pending", amountDue: 1001n, underpaymentToleranceBps: 100 }),
    payments: [knownPayment("pay_1", { amount: 990n, confirmations: 3 })],
    now: at(300),
    expected: { path: ["pending"], events: [] },
  },
  {
    name: "overpayment at confirmation sets overpaid_amount and sends payment.overpaid (S6)",
    intent: intentFacts({ status: "pending" }),
    payments: [knownPayment("pay_1", { amount: 1500n, confirmations: 3 })],
    now: at(300),
    expected: {
      path: ["pending", "confirmed"],
      events: ["payment.confirmed", "payment.overpaid"],
      overpaidAmount: 500n,
    },
  },
  {
    name: "a payment after confirmation: payment.overpaid again, never a second payment.confirmed (S8)",
    intent: intentFacts({ status: "confirmed", confirmedAt: at(200) }),
    payments: [
      knownPayment("pay_1", { status: "confirmed", confirmations: 10 }),
      newPayment("pay_2", { amount: 250n, paidAt: at(400) }),
    ],
    now: at(401),
    expected: {
      path: ["confirmed"],
      events: ["payment.overpaid"],
      overpaidAmount: 250n,
      amountReceived: 1250n,
      payments: [{ id: "pay_2", status: "pending", counted: true }],
    },
  },
  {
    name: "a payment after the monitoring window is recorded, not counted, and changes nothing (S7)",
    intent: intentFacts({ status: "expired" }),
    payments: [newPayment("pay_1", { paidAt: justAfter(at(WINDOW_ENDS_S)), confirmations: 5 })],
    now: at(WINDOW_ENDS_S + 60),
    expected: {
      path: ["expired"],
      events: [],
      amountReceived: 0n,
      late: false,
      payments: [{ id: "pay_1", counted: false, status: "confirmed" }],
    },
  },
  {
    name: "a top-up of an underpaid intent after the window is not counted",
    intent: intentFacts({ status: "underpaid" }),
    payments: [
      knownPayment("pay_1", { amount: 400n, status: "confirmed", confirmations: 9 }),
      newPayment("pay_2", { amount: 600n, paidAt: at(WINDOW_ENDS_S + 10) }),
    ],
    now: at(WINDOW_ENDS_S + 20),
    expected: {
      path: ["underpaid"],
      events: [],
      amountReceived: 400n,
      payments: [{ id: "pay_2", counted: false }],
    },
  },
  {
    name: "a payment to a canceled intent is recorded, not counted, and changes nothing (S25)",
    intent: intentFacts({ status: "canceled", canceledAt: at(30) }),
    payments: [newPayment("pay_1", { paidAt: at(60), confirmations: 5 })],
    now: at(61),
    expected: {
      path: ["canceled"],
      events: [],
      amountReceived: 0n,
      payments: [{ id: "pay_1", counted: false }],
    },
  },
  {
    name: "cancel of an awaiting_payment intent",
    intent: intentFacts(),
    payments: [],
    now: at(EXPIRES_S),
    command: { kind: "cancel" },
    expected: { path: ["awaiting_payment", "canceled"], events: ["payment.canceled"] },
  },
];

describe("decideIntent: one row per contract transition and flag", () => {
  it.each(rows)("$name", ({ intent, payments, now, command, expected }) => {
    const decision = decideIntent(intent, payments, now, command ?? { kind: "observe" });

    expect(pathOf(intent.status, decision)).toEqual(expected.path);
    expect(decision.status).toBe(expected.path.at(-1));
    expect(eventTypes(decision)).toEqual(expected.events);
    if (expected.amountReceived !== undefined) expect(decision.amountReceived).toBe(expected.amountReceived);
    if (expected.amountConfirmed !== undefined)
      expect(decision.amountConfirmed).toBe(expected.amountConfirmed);
    if (expected.late !== undefined) expect(decision.late).toBe(expected.late);
    if (expected.overpaidAmount !== undefined) expect(decision.overpaidAmount).toBe(expected.overpaidAmount);
    if (expected.payments)
      expect(decision.payments).toEqual(
        expect.arrayContaining(expected.payments.map((payment) => expect.objectContaining(payment))),
      );
  });
});

describe("decideIntent: timestamps and event causes", () => {
  it("stamps confirmed_at at confirmation and keeps it afterwards", () => {
    const intent = intentFacts({ status: "pending" });
    const confirmed = decideIntent(intent, [knownPayment("pay_1", { confirmations: 3 })], at(300), {
      kind: "observe",
    });
    expect(confirmed.confirmedAt).toEqual(at(300));

    const later = decideIntent(
      { ...intent, status: "confirmed", confirmedAt: at(300) },
      [
        knownPayment("pay_1", { status: "confirmed", confirmations: 9 }),
        newPayment("pay_2", { paidAt: at(500) }),
      ],
      at(600),
      { kind: "observe" },
    );
    expect(later.confirmedAt).toEqual(at(300));
  });

  it("stamps canceled_at on cancel", () => {
    const decision = decideIntent(intentFacts(), [], at(100), { kind: "cancel" });
    expect(decision.canceledAt).toEqual(at(100));
    expect(decision.transitions).toEqual([
      { from: "awaiting_payment", to: "canceled", reason: "canceled by the merchant" },
    ]);
  });

  it("names the payment and its revision as the cause of payment events", () => {
    const seen = decideIntent(intentFacts(), [newPayment("pay_1")], at(61), { kind: "observe" });
    expect(seen.events).toEqual([{ type: "payment.pending", paymentId: "pay_1", cause: "pay_1@0" }]);

    const reverted = decideIntent(
      intentFacts({ status: "pending" }),
      [knownPayment("pay_1", { vanished: true })],
      at(90),
      { kind: "observe" },
    );
    expect(reverted.events).toEqual([{ type: "payment.reverted", paymentId: "pay_1", cause: "pay_1@0" }]);

    const back = decideIntent(intentFacts(), [knownPayment("pay_1", { status: "reverted" })], at(120), {
      kind: "observe",
    });
    expect(back.events).toEqual([{ type: "payment.pending", paymentId: "pay_1", cause: "pay_1@1" }]);
  });

  it("gives state events and overpayment no cause: each occurrence is new", () => {
    const decision = decideIntent(
      intentFacts({ status: "pending" }),
      [knownPayment("pay_1", { amount: 1200n, confirmations: 3 })],
      at(300),
      { kind: "observe" },
    );
    expect(decision.events).toEqual([
      { type: "payment.confirmed", paymentId: null, cause: null },
      { type: "payment.overpaid", paymentId: "pay_1", cause: null },
    ]);
  });
});

describe("decideIntent: cancel", () => {
  const notCancelable: { name: string; intent: IntentFacts; payments: PaymentFacts[]; now: Date }[] = [
    {
      name: "pending",
      intent: intentFacts({ status: "pending" }),
      payments: [knownPayment("pay_1")],
      now: at(100),
    },
    {
      name: "past expiry but not yet swept",
      intent: intentFacts(),
      payments: [],
      now: justAfter(at(EXPIRES_S)),
    },
    { name: "expired", intent: intentFacts({ status: "expired" }), payments: [], now: at(EXPIRES_S + 1) },
    {
      name: "underpaid",
      intent: intentFacts({ status: "underpaid" }),
      payments: [knownPayment("pay_1", { amount: 1n, status: "confirmed" })],
      now: at(EXPIRES_S + 1),
    },
    {
      name: "confirmed",
      intent: intentFacts({ status: "confirmed", confirmedAt: at(50) }),
      payments: [knownPayment("pay_1", { status: "confirmed" })],
      now: at(100),
    },
    {
      name: "canceled",
      intent: intentFacts({ status: "canceled", canceledAt: at(50) }),
      payments: [],
      now: at(100),
    },
    {
      name: "awaiting_payment with a payment just seen",
      intent: intentFacts(),
      payments: [newPayment("pay_1")],
      now: at(100),
    },
  ];

  it.each(notCancelable)("refuses to cancel an intent that is $name", ({ intent, payments, now }) => {
    const attempt = () => decideIntent(intent, payments, now, { kind: "cancel" });
    expect(attempt).toThrow(IntentNotCancelableError);
    expect(attempt).toThrow(expect.objectContaining({ code: "intent_not_cancelable", status: 409 }));
  });
});

describe("decideIntent: multi-step runs", () => {
  /** Decides with `payments` at `now` and folds the decision back; returns the decision and the new world. */
  function step(world: World, now: Date, payments = world.payments) {
    const decision = decideIntent(world.intent, payments, now, { kind: "observe" });
    return { decision, world: applyDecision({ ...world, payments }, decision) };
  }

  it("two partial payments reach the amount: pending, pending, confirmed (S4)", () => {
    let world: World = { intent: intentFacts(), payments: [] };
    const seen: EventType[][] = [];

    let result = step(world, at(61), [newPayment("pay_1", { amount: 600n })]);
    seen.push(eventTypes(result.decision));
    world = result.world;
    expect(world.intent.status).toBe("pending");

    result = step(world, at(121), [
      ...world.payments,
      newPayment("pay_2", { amount: 400n, paidAt: at(120) }),
    ]);
    seen.push(eventTypes(result.decision));
    world = result.world;
    expect(world.intent.status).toBe("pending");

    result = step(
      world,
      at(200),
      world.payments.map((payment) => ({ ...payment, confirmations: 3 })),
    );
    seen.push(eventTypes(result.decision));
    expect(result.world.intent.status).toBe("confirmed");
    expect(result.decision.amountConfirmed).toBe(1000n);
    expect(seen).toEqual([["payment.pending"], ["payment.pending"], ["payment.confirmed"]]);
  });

  it("reorg: pending, reverted to awaiting_payment, mined again, confirmed (S11)", () => {
    let world: World = { intent: intentFacts(), payments: [] };
    const seen: EventType[] = [];
    const run = (now: Date, change: Partial<PaymentFacts>) => {
      const payments =
        world.payments.length === 0 ? [newPayment("pay_1", change)] : [{ ...world.payments[0]!, ...change }];
      const result = step(world, now, payments);
      seen.push(...eventTypes(result.decision));
      world = result.world;
    };

    run(at(60), { confirmations: 1 });
    run(at(70), { vanished: true, confirmations: 0 });
    expect(world.intent.status).toBe("awaiting_payment");
    run(at(80), { vanished: false, confirmations: 1 });
    expect(world.payments[0]!.revision).toBe(1);
    run(at(90), { confirmations: 3 });

    expect(world.intent.status).toBe("confirmed");
    expect(seen).toEqual(["payment.pending", "payment.reverted", "payment.pending", "payment.confirmed"]);
  });

  it("partial payment, expiry, top-up, confirmation (S5)", () => {
    let world: World = { intent: intentFacts(), payments: [] };
    const seen: EventType[] = [];
    const run = (now: Date, payments: PaymentFacts[]) => {
      const result = step(world, now, payments);
      seen.push(...eventTypes(result.decision));
      world = result.world;
    };

    run(at(60), [newPayment("pay_1", { amount: 400n, confirmations: 3 })]);
    run(at(EXPIRES_S + 1), world.payments);
    expect(world.intent.status).toBe("underpaid");
    run(at(EXPIRES_S + 100), [
      ...world.payments,
      newPayment("pay_2", { amount: 600n, paidAt: at(EXPIRES_S + 99) }),
    ]);
    run(
      at(EXPIRES_S + 200),
      world.payments.map((payment) => ({ ...payment, confirmations: 3 })),
    );

    expect(world.intent).toMatchObject({ status: "confirmed", late: true, overpaidAmount: null });
    expect(seen).toEqual(["payment.pending", "payment.underpaid", "payment.pending", "payment.confirmed"]);
  });

  it("an overpayment after confirmation that reverts and comes back is reported again (S8 with S11)", () => {
    let world: World = {
      intent: intentFacts({ status: "confirmed", confirmedAt: at(100) }),
      payments: [knownPayment("pay_1", { status: "confirmed", confirmations: 9 })],
    };
    const seen: EventType[] = [];
    const run = (now: Date, payments: PaymentFacts[]) => {
      const result = step(world, now, payments);
      seen.push(...eventTypes(result.decision));
      world = result.world;
    };
    const second = (change: Partial<PaymentFacts>) => [
      world.payments[0]!,
      { ...world.payments[1]!, ...change },
    ];

    run(at(200), [...world.payments, newPayment("pay_2", { amount: 200n, paidAt: at(190) })]);
    expect(world.intent.overpaidAmount).toBe(200n);
    run(at(210), second({ vanished: true }));
    expect(world.intent.overpaidAmount).toBeNull();
    run(at(220), second({ vanished: false, confirmations: 1 }));

    expect(world.intent).toMatchObject({ status: "confirmed", overpaidAmount: 200n, confirmedAt: at(100) });
    expect(seen).toEqual(["payment.overpaid", "payment.reverted", "payment.overpaid"]);
  });
});

describe("minimumAcceptable", () => {
  it.each([
    { due: 10_000n, bps: 0, minimum: 10_000n },
    { due: 10_000n, bps: 100, minimum: 9_900n },
    // 1% of 1001 is 10.01: the tolerance rounds down, so the merchant never gets less than they allowed
    { due: 1001n, bps: 100, minimum: 991n },
    { due: 199n, bps: 50, minimum: 199n },
    { due: 1n, bps: 9999, minimum: 1n },
    { due: 10n ** 30n, bps: 1, minimum: 10n ** 30n - 10n ** 26n },
  ])("due $due with $bps bps accepts $minimum", ({ due, bps, minimum }) => {
    expect(minimumAcceptable(due, bps)).toBe(minimum);
  });
});

describe("isClosed", () => {
  const windowEnd = at(WINDOW_ENDS_S);
  it.each([
    { status: "expired", now: windowEnd, closed: false },
    { status: "expired", now: justAfter(windowEnd), closed: true },
    { status: "underpaid", now: windowEnd, closed: false },
    { status: "underpaid", now: justAfter(windowEnd), closed: true },
    { status: "pending", now: justAfter(windowEnd), closed: false },
    { status: "awaiting_payment", now: at(0), closed: false },
    { status: "confirmed", now: at(0), closed: true },
    { status: "canceled", now: at(0), closed: true },
  ] as const)("$status at $now: closed=$closed", ({ status, now, closed }) => {
    expect(isClosed({ status, monitoringEndsAt: windowEnd }, now)).toBe(closed);
  });
});

describe("pathBetween", () => {
  it.each([
    { from: "pending", to: "pending", path: [] },
    { from: "awaiting_payment", to: "pending", path: [["awaiting_payment", "pending"]] },
    {
      from: "expired",
      to: "confirmed",
      path: [
        ["expired", "pending"],
        ["pending", "confirmed"],
      ],
    },
    {
      from: "pending",
      to: "expired",
      path: [
        ["pending", "awaiting_payment"],
        ["awaiting_payment", "expired"],
      ],
    },
    {
      from: "underpaid",
      to: "expired",
      path: [
        ["underpaid", "pending"],
        ["pending", "awaiting_payment"],
        ["awaiting_payment", "expired"],
      ],
    },
  ] as const)("$from -> $to", ({ from, to, path }) => {
    expect(pathBetween(from, to)).toEqual(path);
  });

  it.each([
    ["confirmed", "pending"],
    ["canceled", "awaiting_payment"],
    ["confirmed", "canceled"],
  ] as const)("has no path from %s to %s", (from, to) => {
    expect(() => pathBetween(from, to)).toThrow(/no transition path/);
  });
});

describe("decideIntent: properties over random runs", () => {
  type Operation =
    | { kind: "pay"; amount: bigint; secondsAgo: number; confirmations: number }
    | { kind: "confirm"; pick: number; blocks: number }
    | { kind: "vanish"; pick: number }
    | { kind: "return"; pick: number; confirmations: number }
    | { kind: "advance"; seconds: number }
    | { kind: "cancel" };

  const operation: fc.Arbitrary<Operation> = fc.oneof(
    fc.record({
      kind: fc.constant("pay" as const),
      amount: fc.bigInt(1n, 1500n),
      secondsAgo: fc.integer({ min: 0, max: 120 }),
      confirmations: fc.integer({ min: 0, max: 5 }),
    }),
    fc.record({
      kind: fc.constant("confirm" as const),
      pick: fc.nat(),
      blocks: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({ kind: fc.constant("vanish" as const), pick: fc.nat() }),
    fc.record({
      kind: fc.constant("return" as const),
      pick: fc.nat(),
      confirmations: fc.integer({ min: 0, max: 5 }),
    }),
    fc.record({ kind: fc.constant("advance" as const), seconds: fc.integer({ min: 0, max: 1200 }) }),
    fc.constant({ kind: "cancel" as const }),
  );

  const intentArbitrary = fc.record({
    amountDue: fc.bigInt(1n, 2000n),
    underpaymentToleranceBps: fc.oneof(fc.constantFrom(0, 100, 9999), fc.integer({ min: 0, max: 9999 })),
    requiredConfirmations: fc.integer({ min: 1, max: 4 }),
    monitoringWindowS: fc.integer({ min: 0, max: 3600 }),
  });

  /** Applies an operation to the observed facts (what a chain backend would report). */
  function observe(payments: PaymentFacts[], op: Operation, now: Date): PaymentFacts[] {
    const picked = payments.length === 0 ? -1 : ("pick" in op ? op.pick : 0) % payments.length;
    switch (op.kind) {
      case "pay":
        return [
          ...payments,
          newPayment(`pay_${payments.length + 1}`, {
            amount: op.amount,
            paidAt: new Date(now.getTime() - op.secondsAgo * 1000),
            confirmations: op.confirmations,
          }),
        ];
      case "confirm":
        return payments.map((payment, index) =>
          index === picked && !payment.vanished
            ? { ...payment, confirmations: payment.confirmations + op.blocks }
            : payment,
        );
      case "vanish":
        return payments.map((payment, index) =>
          index === picked ? { ...payment, vanished: true, confirmations: 0 } : payment,
        );
      case "return":
        return payments.map((payment, index) =>
          index === picked && payment.vanished
            ? { ...payment, vanished: false, confirmations: op.confirmations }
            : payment,
        );
      default:
        return payments;
    }
  }

  /** Did the decision change anything the persistence layer writes (state, flags, payment decisions)? */
  function changesSomething(world: World, decision: Decision): boolean {
    const intent = world.intent;
    if (decision.transitions.length > 0 || decision.overpaidAmount !== intent.overpaidAmount) return true;
    return world.payments.some((payment) => {
      const decided = decision.payments.find((candidate) => candidate.id === payment.id)!;
      return (
        decided.status !== payment.status ||
        decided.counted !== payment.counted ||
        decided.revision !== payment.revision
      );
    });
  }

  it("holds every invariant over random sequences of operations", () => {
    fc.assert(
      fc.property(intentArbitrary, fc.array(operation, { maxLength: 40 }), (params, operations) => {
        let world: World = {
          intent: intentFacts({
            amountDue: params.amountDue,
            underpaymentToleranceBps: params.underpaymentToleranceBps,
            requiredConfirmations: params.requiredConfirmations,
            monitoringEndsAt: at(EXPIRES_S + params.monitoringWindowS),
          }),
          payments: [],
        };
        let now = at(0);
        let confirmedEvents = 0;

        for (const op of operations) {
          if (op.kind === "advance") now = new Date(now.getTime() + op.seconds * 1000);
          const observed: World = { ...world, payments: observe(world.payments, op, now) };
          const command: Command = op.kind === "cancel" ? { kind: "cancel" } : { kind: "observe" };

          let decision: Decision;
          try {
            decision = decideIntent(observed.intent, observed.payments, now, command);
          } catch (error) {
            // only a cancel may be refused, and only outside awaiting_payment-before-expiry
            expect(error).toBeInstanceOf(IntentNotCancelableError);
            expect(command.kind).toBe("cancel");
            expect(observed.intent.status !== "awaiting_payment" || now > observed.intent.expiresAt).toBe(
              true,
            );
            continue;
          }
          const before = observed.intent.status;
          if (command.kind === "cancel") expect(decision.status).toBe("canceled");

          // (b) terminal states are never left
          if (before === "confirmed" || before === "canceled") expect(decision.status).toBe(before);

          // (e) every transition is a contract edge, and they chain from the old state to the new one
          let walked = before;
          for (const transition of decision.transitions) {
            expect(transition.from).toBe(walked);
            expect(contractEdges[transition.from]).toContain(transition.to);
            walked = transition.to;
          }
          expect(walked).toBe(decision.status);

          // (c) payment.confirmed at most once over the whole run
          confirmedEvents += decision.events.filter((event) => event.type === "payment.confirmed").length;
          expect(confirmedEvents).toBeLessThanOrEqual(1);

          // (d) amounts are never negative and confirmed never exceeds received
          expect(decision.amountConfirmed >= 0n).toBe(true);
          expect(decision.amountConfirmed <= decision.amountReceived).toBe(true);
          if (decision.overpaidAmount !== null) expect(decision.overpaidAmount > 0n).toBe(true);

          // (f) events only come with a change
          if (decision.events.length > 0) expect(changesSomething(observed, decision)).toBe(true);

          world = applyDecision(observed, decision);

          // (a) idempotent: the same inputs against the written decision decide nothing new
          const again = decideIntent(world.intent, world.payments, now, { kind: "observe" });
          expect(again.transitions).toEqual([]);
          expect(again.events).toEqual([]);
          expect(again.status).toBe(decision.status);
          expect(again.payments).toEqual(decision.payments);
          expect(again.amountReceived).toBe(decision.amountReceived);
        }
      }),
      { numRuns: 500 },
    );
  });
});
