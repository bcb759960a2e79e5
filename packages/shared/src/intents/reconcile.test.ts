import {
  createTestDatabase,
  type IntentFixtures,
  intentFixtures,
  ONE_ETH,
  type TestDatabase,
} from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveChains } from "../chains/index.ts";
import type { PaymentIntentRow, PaymentRow } from "../db/schema.ts";
import { IntentNotCancelableError, NotFoundError } from "../errors.ts";
import { API_VERSION } from "../events/index.ts";
import {
  mergeObservations,
  type PaymentObservation,
  type ReconcileRequest,
  reconcileIntent,
  reconcileIntents,
} from "./reconcile.ts";

const chains = new Map(resolveChains(undefined, {}).map((chain) => [chain.id, chain]));
const created = new Date(Date.now() - 60_000);
/** A moment `seconds` after the intents were created. */
const at = (seconds: number) => new Date(created.getTime() + seconds * 1000);
const EXPIRES_S = 900;

let database: TestDatabase;
let fixtures: IntentFixtures;

beforeAll(async () => {
  database = await createTestDatabase();
  fixtures = await intentFixtures(database.db);
});

afterAll(async () => {
  await database?.drop();
});

/** An awaiting_payment intent for 1 ETH on anvil (2 confirmations), with its own address. */
function seedIntent(): Promise<PaymentIntentRow> {
  return fixtures.insertIntent({ createdAt: created, expiresAt: at(EXPIRES_S) });
}

function observation(overrides: Partial<PaymentObservation> = {}): PaymentObservation {
  return {
    txHash: `0x${"ab".repeat(32)}`,
    index: 0,
    amount: ONE_ETH,
    blockNumber: 100n,
    blockHash: `0x${"cd".repeat(32)}`,
    blockTimestamp: at(60),
    vanished: false,
    ...overrides,
  };
}

function reconcile(request: ReconcileRequest, now = at(120)) {
  return reconcileIntent(
    database.db,
    { chains, publicUrl: "http://localhost:3000", now: () => now },
    request,
  );
}

/** Everything the write path touches for one intent, in a stable order. */
async function snapshot(intentId: string) {
  const db = database.db;
  const [intent, payments, transitions, events] = await Promise.all([
    db.selectFrom("payment_intents").selectAll().where("id", "=", intentId).executeTakeFirstOrThrow(),
    db.selectFrom("payments").selectAll().where("intent_id", "=", intentId).orderBy("id").execute(),
    db.selectFrom("intent_transitions").selectAll().where("intent_id", "=", intentId).orderBy("id").execute(),
    db.selectFrom("events").selectAll().where("intent_id", "=", intentId).orderBy("sequence").execute(),
  ]);
  return { intent, payments, transitions, events };
}

describe("reconcileIntent", () => {
  it("writes payment, audit rows and outbox events together, numbering events 1, 2, 3", async () => {
    const intent = await seedIntent();
    // one wei over: confirmation also reports the overpayment
    const paid = observation({ amount: ONE_ETH + 1n });

    const seen = await reconcile({
      intentId: intent.id,
      observations: [paid],
      head: 100n,
      cause: "block 100",
    });
    expect(seen.changed).toBe(true);
    expect(seen.intent).toMatchObject({
      status: "pending",
      amount_received: "1.000000000000000001",
      confirmations: 1,
    });

    let state = await snapshot(intent.id);
    expect(state.payments).toHaveLength(1);
    const payment = state.payments[0]!;
    expect(payment).toMatchObject({
      tx_hash: paid.txHash,
      output_index: 0,
      amount: ONE_ETH + 1n,
      block_number: 100n,
      status: "pending",
      counted: true,
      revision: 0,
      vanished: false,
    });
    expect(payment.paid_at).toEqual(at(60));
    expect(state.transitions).toMatchObject([
      { from_status: "awaiting_payment", to_status: "pending", cause: "block 100" },
    ]);
    expect(state.events).toMatchObject([
      {
        type: "payment.pending",
        sequence: 1,
        payment_id: payment.id,
        dedupe_key: `${intent.id}:payment.pending:${payment.id}@0`,
      },
    ]);
    expect(seen.events.map((event) => event.id)).toEqual(state.events.map((event) => event.id));
    expect(state.intent.event_sequence).toBe(1);

    const confirmed = await reconcile(
      { intentId: intent.id, observations: [paid], head: 101n, cause: "block 101" },
      at(130),
    );
    expect(confirmed.intent).toMatchObject({ status: "confirmed", overpaid_amount: "0.000000000000000001" });

    state = await snapshot(intent.id);
    expect(state.intent).toMatchObject({
      status: "confirmed",
      amount_received: ONE_ETH + 1n,
      amount_confirmed: ONE_ETH + 1n,
      overpaid_amount: 1n,
      confirmed_at: at(130),
      event_sequence: 3,
    });
    expect(state.payments[0]).toMatchObject({ status: "confirmed" });
    expect(
      state.transitions.map(({ from_status, to_status, cause }) => [from_status, to_status, cause]),
    ).toEqual([
      ["awaiting_payment", "pending", "block 100"],
      ["pending", "confirmed", "block 101"],
    ]);
    expect(
      state.events.map(({ type, sequence, dedupe_key, payment_id }) => ({
        type,
        sequence,
        dedupe_key,
        payment_id,
      })),
    ).toEqual([
      {
        type: "payment.pending",
        sequence: 1,
        dedupe_key: `${intent.id}:payment.pending:${payment.id}@0`,
        payment_id: payment.id,
      },
      {
        type: "payment.confirmed",
        sequence: 2,
        dedupe_key: `${intent.id}:payment.confirmed:#2`,
        payment_id: null,
      },
      {
        type: "payment.overpaid",
        sequence: 3,
        dedupe_key: `${intent.id}:payment.overpaid:#3`,
        payment_id: payment.id,
      },
    ]);
  });

  it("changes nothing when the same observation is replayed", async () => {
    const intent = await seedIntent();
    const request = { intentId: intent.id, observations: [observation()], head: 100n, cause: "block 100" };
    await reconcile(request, at(120));
    const before = await snapshot(intent.id);

    // later clocks: any write would move updated_at
    const first = await reconcile(request, at(180));
    const second = await reconcile(request, at(240));

    expect(first).toMatchObject({ changed: false, events: [] });
    expect(second).toMatchObject({ changed: false, events: [] });
    expect(await snapshot(intent.id)).toEqual(before);
  });

  it("changes nothing when a confirmed intent is replayed", async () => {
    const intent = await seedIntent();
    const request = { intentId: intent.id, observations: [observation()], head: 105n, cause: "block 105" };
    const first = await reconcile(request, at(120));
    expect(first.intent.status).toBe("confirmed");
    const before = await snapshot(intent.id);

    const replay = await reconcile(request, at(300));

    expect(replay).toMatchObject({ changed: false, events: [] });
    expect(await snapshot(intent.id)).toEqual(before);
  });

  it("serialises 20 concurrent callers: one payment, one payment.pending, one payment.confirmed", async () => {
    const intent = await seedIntent();
    const concurrently = (head: bigint) =>
      Promise.all(
        Array.from({ length: 20 }, () =>
          reconcile({ intentId: intent.id, observations: [observation()], head, cause: `block ${head}` }),
        ),
      );

    const seenResults = await concurrently(100n);
    const confirmedResults = await concurrently(101n);

    // exactly one caller in each round made the change; the others found it done
    expect(seenResults.filter((result) => result.changed)).toHaveLength(1);
    expect(confirmedResults.filter((result) => result.changed)).toHaveLength(1);
    const state = await snapshot(intent.id);
    expect(state.payments).toHaveLength(1);
    expect(state.events.map(({ type, sequence }) => [type, sequence])).toEqual([
      ["payment.pending", 1],
      ["payment.confirmed", 2],
    ]);
    expect(state.transitions.map(({ from_status, to_status }) => [from_status, to_status])).toEqual([
      ["awaiting_payment", "pending"],
      ["pending", "confirmed"],
    ]);
    expect(state.intent).toMatchObject({ status: "confirmed", amount_received: ONE_ETH, event_sequence: 2 });
  });

  it("writes nothing when the transaction fails part-way", async () => {
    const intent = await seedIntent();
    const before = await snapshot(intent.id);
    // the first payment row is inserted before the second violates `amount > 0`
    const observations = [observation(), observation({ txHash: `0x${"ef".repeat(32)}`, amount: 0n })];

    await expect(
      reconcile({ intentId: intent.id, observations, head: 101n, cause: "block 101" }),
    ).rejects.toThrow(/check constraint/);

    expect(await snapshot(intent.id)).toEqual(before);
    expect(before).toMatchObject({
      intent: { status: "awaiting_payment", event_sequence: 0 },
      payments: [],
      events: [],
    });
  });

  it("reverts a payment that left the chain and counts it anew when it is mined again (S11)", async () => {
    const intent = await seedIntent();
    const paid = observation();
    await reconcile({ intentId: intent.id, observations: [paid], head: 100n, cause: "block 100" }, at(120));

    const reverted = await reconcile(
      { intentId: intent.id, observations: [{ ...paid, vanished: true }], head: 100n, cause: "reorg at 100" },
      at(130),
    );
    expect(reverted.intent).toMatchObject({
      status: "awaiting_payment",
      amount_received: "0.000000000000000000",
    });
    expect(reverted.intent.payments).toMatchObject([{ status: "reverted", confirmations: 0 }]);

    const remined = observation({
      blockNumber: 102n,
      blockHash: `0x${"12".repeat(32)}`,
      blockTimestamp: at(125),
    });
    await reconcile(
      { intentId: intent.id, observations: [remined], head: 102n, cause: "block 102" },
      at(140),
    );
    await reconcile(
      { intentId: intent.id, observations: [remined], head: 103n, cause: "block 103" },
      at(150),
    );

    const state = await snapshot(intent.id);
    const payment = state.payments[0]!;
    expect(state.payments).toHaveLength(1);
    expect(payment).toMatchObject({ status: "confirmed", revision: 1, block_number: 102n, vanished: false });
    // the first sighting's time stands: the payment stays on time however late it is re-mined
    expect(payment.paid_at).toEqual(at(60));
    expect(state.events.map(({ type, sequence, dedupe_key }) => [type, sequence, dedupe_key])).toEqual([
      ["payment.pending", 1, `${intent.id}:payment.pending:${payment.id}@0`],
      ["payment.reverted", 2, `${intent.id}:payment.reverted:${payment.id}@0`],
      ["payment.pending", 3, `${intent.id}:payment.pending:${payment.id}@1`],
      ["payment.confirmed", 4, `${intent.id}:payment.confirmed:#4`],
    ]);
    expect(state.transitions.map(({ to_status }) => to_status)).toEqual([
      "pending",
      "awaiting_payment",
      "pending",
      "confirmed",
    ]);
  });

  it("reports an overpayment again when its payment reverts and comes back after confirmation", async () => {
    const intent = await seedIntent();
    const first = observation();
    const extra = observation({
      txHash: `0x${"99".repeat(32)}`,
      amount: 200n,
      blockNumber: null,
      blockHash: null,
      blockTimestamp: null,
    });
    const step = (observations: PaymentObservation[], now: Date) =>
      reconcile({ intentId: intent.id, observations, head: 105n, cause: "test" }, now);

    await step([first], at(120));
    await step([extra], at(130));
    await step([{ ...extra, vanished: true }], at(140));
    await step([extra], at(150));

    const state = await snapshot(intent.id);
    expect(state.intent).toMatchObject({ status: "confirmed", overpaid_amount: 200n, event_sequence: 5 });
    expect(state.events.map(({ type, sequence }) => [type, sequence])).toEqual([
      ["payment.pending", 1],
      ["payment.confirmed", 2],
      ["payment.overpaid", 3],
      ["payment.reverted", 4],
      ["payment.overpaid", 5],
    ]);
    expect(JSON.parse(state.events[4]!.body).data).toMatchObject({
      payment_intent: { overpaid_amount: "0.000000000000000200" },
      payment: { tx_hash: extra.txHash, status: "pending" },
    });
  });

  it("cancels an awaiting_payment intent once, then records payments to it without counting them (S25)", async () => {
    const intent = await seedIntent();

    const canceled = await reconcile({ intentId: intent.id, cancel: true, cause: "api" }, at(100));
    expect(canceled.intent).toMatchObject({ status: "canceled", canceled_at: at(100).toISOString() });
    expect(canceled.events.map((event) => event.type)).toEqual(["payment.canceled"]);

    const afterCancel = await snapshot(intent.id);
    await expect(reconcile({ intentId: intent.id, cancel: true, cause: "api" }, at(110))).rejects.toThrow(
      IntentNotCancelableError,
    );
    expect(await snapshot(intent.id)).toEqual(afterCancel);

    const paid = await reconcile({
      intentId: intent.id,
      observations: [observation()],
      head: 105n,
      cause: "block 105",
    });
    expect(paid.events).toEqual([]);
    const state = await snapshot(intent.id);
    expect(state.intent).toMatchObject({ status: "canceled", amount_received: 0n });
    expect(state.payments).toMatchObject([{ counted: false }]);
    expect(state.events.map((event) => event.type)).toEqual(["payment.canceled"]);
  });

  it("refuses to cancel an intent past its expiry, writing nothing", async () => {
    const intent = await seedIntent();
    const before = await snapshot(intent.id);

    const attempt = reconcile({ intentId: intent.id, cancel: true, cause: "api" }, at(EXPIRES_S + 1));

    await expect(attempt).rejects.toMatchObject({ code: "intent_not_cancelable", status: 409 });
    expect(await snapshot(intent.id)).toEqual(before);
  });

  it("counts confirmations from the chain's stored cursor when no head is given", async () => {
    const intent = await seedIntent();
    await database.db.insertInto("chain_cursors").values({ chain: "anvil", scanned_number: 101n }).execute();
    try {
      const result = await reconcile({
        intentId: intent.id,
        observations: [observation()],
        cause: "block 101",
      });
      expect(result.intent).toMatchObject({ status: "confirmed", confirmations: 2 });
    } finally {
      await database.db.deleteFrom("chain_cursors").where("chain", "=", "anvil").execute();
    }
  });

  it("throws NotFoundError for an unknown intent", async () => {
    await expect(reconcile({ intentId: "pi_missing", cause: "test" })).rejects.toThrow(NotFoundError);
  });
});

describe("reconcileIntents", () => {
  const batch = (requests: ReconcileRequest[], now = at(120)) =>
    reconcileIntents(database.db, { chains, publicUrl: "http://localhost:3000", now: () => now }, requests);
  /** Distinct transactions per intent: a batch must not make two intents share a payment's hash. */
  const tx = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
  /** What an intent's history says, without ids and times that differ between two equal histories. */
  const history = async (intentId: string) => {
    const { intent, payments, transitions, events } = await snapshot(intentId);
    return {
      intent: [intent.status, intent.amount_received, intent.amount_confirmed, intent.event_sequence],
      payments: payments.map((p) => [p.amount, p.status, p.counted, p.revision]),
      transitions: transitions.map((t) => [t.from_status, t.to_status, t.reason]),
      events: events.map((e) => [e.type, e.sequence]),
    };
  };

  it("decides each intent exactly as a reconcile of its own would, and a replay of the batch changes nothing", async () => {
    const alone = [await seedIntent(), await seedIntent(), await seedIntent()];
    const together = [await seedIntent(), await seedIntent(), await seedIntent()];
    const requestsFor = (intents: PaymentIntentRow[], offset: number): ReconcileRequest[] => [
      {
        intentId: intents[0]!.id,
        observations: [observation({ txHash: tx(offset) })],
        head: 100n,
        cause: "b",
      },
      {
        intentId: intents[1]!.id,
        observations: [observation({ txHash: tx(offset + 1) })],
        head: 105n,
        cause: "b",
      },
      { intentId: intents[2]!.id, head: 105n, cause: "b" },
    ];
    for (const request of requestsFor(alone, 10)) await reconcile(request);
    const results = await batch(requestsFor(together, 20));

    expect(results.map((result) => [result.intent.id, result.intent.status, result.changed])).toEqual([
      [together[0]!.id, "pending", true],
      [together[1]!.id, "confirmed", true],
      [together[2]!.id, "awaiting_payment", false],
    ]);
    expect(results.map((result) => result.events.map((event) => event.type))).toEqual([
      ["payment.pending"],
      ["payment.pending", "payment.confirmed"],
      [],
    ]);
    for (let i = 0; i < 3; i++) expect(await history(together[i]!.id)).toEqual(await history(alone[i]!.id));

    const before = await Promise.all(together.map((intent) => snapshot(intent.id)));
    const replay = await batch(requestsFor(together, 20), at(300));
    expect(replay.map((result) => [result.changed, result.events.length])).toEqual([
      [false, 0],
      [false, 0],
      [false, 0],
    ]);
    expect(await Promise.all(together.map((intent) => snapshot(intent.id)))).toEqual(before);
  });

  it("writes nothing for any intent of the batch when one of them fails", async () => {
    const [good, bad] = [await seedIntent(), await seedIntent()];
    const before = await Promise.all([snapshot(good.id), snapshot(bad.id)]);

    await expect(
      batch([
        { intentId: good.id, observations: [observation({ txHash: tx(30) })], head: 101n, cause: "b" },
        {
          intentId: bad.id,
          observations: [observation({ txHash: tx(31), amount: 0n })],
          head: 101n,
          cause: "b",
        },
      ]),
    ).rejects.toThrow(/check constraint/);
    expect(await Promise.all([snapshot(good.id), snapshot(bad.id)])).toEqual(before);
  });

  it("never deadlocks: overlapping batches in opposite orders each commit, one event per cause", async () => {
    const intents = await Promise.all(Array.from({ length: 6 }, () => seedIntent()));
    const requests = intents.map((intent, i) => ({
      intentId: intent.id,
      observations: [observation({ txHash: tx(40 + i) })],
      head: 100n,
      cause: "b",
    }));
    await Promise.all([batch(requests), batch([...requests].reverse()), batch(requests.slice(2))]);
    for (const intent of intents) {
      expect((await history(intent.id)).events).toEqual([["payment.pending", 1]]);
    }
  });

  it("refuses a batch that names one intent twice", async () => {
    const intent = await seedIntent();
    await expect(
      batch([
        { intentId: intent.id, cause: "a" },
        { intentId: intent.id, cause: "b" },
      ]),
    ).rejects.toThrow(/twice/);
  });
});

describe("the audit trail", () => {
  it("is append-only: UPDATE and DELETE raise", async () => {
    const intent = await seedIntent();
    await reconcile({ intentId: intent.id, observations: [observation()], head: 100n, cause: "block 100" });
    const db = database.db;

    await expect(
      db
        .updateTable("intent_transitions")
        .set({ reason: "rewritten" })
        .where("intent_id", "=", intent.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(
      db.deleteFrom("intent_transitions").where("intent_id", "=", intent.id).execute(),
    ).rejects.toThrow(/append-only/);
    const transitions = await db
      .selectFrom("intent_transitions")
      .selectAll()
      .where("intent_id", "=", intent.id)
      .execute();
    expect(transitions).toMatchObject([{ reason: "payment seen" }]);
  });
});

describe("event bodies", () => {
  // base units as decimal strings with the asset's 18 places, never JSON numbers
  const decimal = /^(0|[1-9]\d*)\.\d{18}$/;

  it("are JSON with id, type, created_at, api_version, the intent, the payment and the sequence", async () => {
    const intent = await seedIntent();
    const paid = observation({ amount: ONE_ETH + 5n * 10n ** 17n });
    await reconcile({ intentId: intent.id, observations: [paid], head: 100n, cause: "block 100" }, at(120));
    await reconcile({ intentId: intent.id, observations: [paid], head: 101n, cause: "block 101" }, at(130));

    const { events } = await snapshot(intent.id);
    expect(events.map((event) => event.type)).toEqual([
      "payment.pending",
      "payment.confirmed",
      "payment.overpaid",
    ]);
    for (const event of events) {
      const body = JSON.parse(event.body);
      expect(Object.keys(body)).toEqual(["id", "type", "created_at", "api_version", "data"]);
      expect(body).toMatchObject({
        id: event.id,
        type: event.type,
        created_at: event.created_at.toISOString(),
        api_version: API_VERSION,
        data: { sequence: event.sequence, payment_intent: { id: intent.id, object: "payment_intent" } },
      });
      const intentObject = body.data.payment_intent;
      for (const amount of [
        intentObject.amount_due,
        intentObject.amount_received,
        intentObject.amount_confirmed,
      ]) {
        expect(amount).toMatch(decimal);
      }
      if (event.payment_id) {
        expect(body.data.payment).toMatchObject({
          id: event.payment_id,
          amount: "1.500000000000000000",
          tx_hash: paid.txHash,
        });
      } else {
        expect(body.data).not.toHaveProperty("payment");
      }
    }

    const [pending, confirmed, overpaid] = events.map((event) => JSON.parse(event.body).data.payment_intent);
    expect(pending).toMatchObject({
      status: "pending",
      amount_due: "1.000000000000000000",
      amount_received: "1.500000000000000000",
      amount_confirmed: "0.000000000000000000",
    });
    expect(confirmed).toMatchObject({
      status: "confirmed",
      amount_confirmed: "1.500000000000000000",
      overpaid_amount: "0.500000000000000000",
    });
    expect(overpaid).toMatchObject({ overpaid_amount: "0.500000000000000000" });
  });

  it("stay under 20 KiB with the largest metadata and many payments: the newest 10 payments are embedded", async () => {
    const intent = await seedIntent();
    const metadata = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`${i}`.padStart(40, "k"), "v".repeat(500)]),
    );
    await database.db
      .updateTable("payment_intents")
      .set({ metadata: JSON.stringify(metadata) })
      .where("id", "=", intent.id)
      .execute();
    const dust = Array.from({ length: 30 }, (_, i) =>
      observation({ txHash: `0x${i.toString(16).padStart(64, "0")}`, amount: 1n, blockTimestamp: at(i + 1) }),
    );
    await reconcile({ intentId: intent.id, observations: dust, head: 100n, cause: "block 100" });

    const { events } = await snapshot(intent.id);
    expect(events).toHaveLength(30);
    for (const event of events) {
      expect(Buffer.byteLength(event.body)).toBeLessThan(20 * 1024);
      const embedded = JSON.parse(event.body).data.payment_intent.payments;
      expect(embedded.map((payment: { tx_hash: string }) => payment.tx_hash)).toEqual(
        dust.slice(-10).map((payment) => payment.txHash),
      );
    }
  });
});

describe("mergeObservations", () => {
  const intent = { id: "pi_merge", chain: "anvil", address: "0x00000000000000000000000000000000000000aa" };

  function storedRow(overrides: Partial<PaymentRow> = {}): PaymentRow {
    return {
      id: "pay_stored",
      intent_id: intent.id,
      chain: intent.chain,
      address: intent.address,
      tx_hash: observation().txHash,
      output_index: 0,
      amount: ONE_ETH,
      block_number: null,
      block_hash: null,
      block_timestamp: null,
      paid_at: at(60),
      seen_at: at(60),
      rbf: false,
      vanished: false,
      status: "pending",
      counted: true,
      revision: 0,
      updated_at: at(60),
      ...overrides,
    };
  }

  it("records a first sighting, stamped with the block time or, in the mempool, with now", () => {
    const [mined, mempool] = mergeObservations(
      intent,
      [],
      [observation(), observation({ index: 1, blockNumber: null, blockHash: null, blockTimestamp: null })],
      at(90),
    );
    expect(mined).toMatchObject({ isNew: true, row: { paid_at: at(60), seen_at: at(90), counted: false } });
    expect(mempool).toMatchObject({ isNew: true, row: { paid_at: at(90), block_number: null } });
  });

  it("ignores a transfer that vanished before it was ever recorded", () => {
    expect(mergeObservations(intent, [], [observation({ vanished: true })], at(90))).toEqual([]);
  });

  it("moves paid_at only earlier", () => {
    const stored = storedRow({ paid_at: at(60) });
    const [later] = mergeObservations(intent, [stored], [observation({ blockTimestamp: at(200) })], at(210));
    expect(later!.row.paid_at).toEqual(at(60));
    const [earlier] = mergeObservations(intent, [stored], [observation({ blockTimestamp: at(30) })], at(210));
    expect(earlier!.row.paid_at).toEqual(at(30));
  });

  it("marks facts changed only when the chain says something new", () => {
    const stored = storedRow({
      block_number: 100n,
      block_hash: observation().blockHash,
      block_timestamp: at(60),
    });
    const [same] = mergeObservations(intent, [stored], [observation()], at(90));
    expect(same!.factsChanged).toBe(false);
    const [gone] = mergeObservations(intent, [stored], [observation({ vanished: true })], at(90));
    expect(gone).toMatchObject({
      factsChanged: true,
      row: { vanished: true, block_number: null, paid_at: at(60) },
    });
  });
});
