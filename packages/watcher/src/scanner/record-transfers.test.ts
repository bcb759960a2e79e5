import { createLogger, type PaymentIntentRow, type ReconcileContext, resolveChains } from "@paygate/shared";
import {
  createTestDatabase,
  type IntentFixtures,
  intentFixtures,
  ONE_ETH,
  type TestDatabase,
} from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScannedBlock, Transfer } from "../chains/source.ts";
import { sweepExpiredIntents } from "../expiry/expiry-sweep.ts";
import { confirmPendingPayments, type EffectsContext, recordBlocks } from "./record-transfers.ts";

const chains = new Map(resolveChains(undefined, {}).map((chain) => [chain.id, chain]));
const created = new Date(Date.now() - 60_000);

let database: TestDatabase;
let fixtures: IntentFixtures;

beforeAll(async () => {
  database = await createTestDatabase();
  fixtures = await intentFixtures(database.db);
});

afterAll(async () => {
  await database?.drop();
});

function effects(): EffectsContext {
  const reconcile: ReconcileContext = { chains, publicUrl: "http://localhost:3000" };
  return { db: database.db, reconcile, chain: "anvil", logger: createLogger({ level: "silent" }) };
}

/** An awaiting_payment intent for 1 ETH on anvil, with its own address. */
function seedIntent(
  options: { requiredConfirmations?: number; expiresAt?: Date } = {},
): Promise<PaymentIntentRow> {
  return fixtures.insertIntent({ createdAt: created, ...options });
}

const hashOf = (n: bigint) => `0x${n.toString(16).padStart(64, "0")}`;

/** Blocks `from..to` of one chain, with `transfers` placed by block number. */
function blocksOf(from: bigint, to: bigint, transfers: Map<bigint, Transfer[]> = new Map()): ScannedBlock[] {
  const blocks: ScannedBlock[] = [];
  for (let n = from; n <= to; n++) {
    blocks.push({
      number: n,
      hash: hashOf(n),
      parentHash: hashOf(n - 1n),
      timestamp: new Date(Date.now() - 30_000),
      transfers: transfers.get(n) ?? [],
    });
  }
  return blocks;
}

function transfer(intent: PaymentIntentRow, tx: number, amount = ONE_ETH): Transfer {
  return { address: intent.address, asset: "ETH", txHash: hashOf(BigInt(1_000_000 + tx)), index: 0, amount };
}

async function eventsOf(intentId: string): Promise<string[]> {
  const rows = await database.db
    .selectFrom("events")
    .select("type")
    .where("intent_id", "=", intentId)
    .orderBy("sequence")
    .execute();
  return rows.map((row) => row.type);
}

async function statusOf(intentId: string): Promise<string> {
  const row = await database.db
    .selectFrom("payment_intents")
    .select("status")
    .where("id", "=", intentId)
    .executeTakeFirstOrThrow();
  return row.status;
}

describe("recordBlocks", () => {
  it("judges expiry at the chain's time, not the clock: catching up past an expiry, an on-time part stays pending", async () => {
    // expired 10 s ago by the clock; the blocks read so far are from 30 s ago, before it
    const intent = await seedIntent({ expiresAt: new Date(Date.now() - 10_000) });
    await recordBlocks(
      effects(),
      blocksOf(3001n, 3003n, new Map([[3001n, [transfer(intent, 900, ONE_ETH / 2n)]]])),
    );
    expect(await statusOf(intent.id)).toBe("pending");
    expect(await eventsOf(intent.id)).toEqual(["payment.pending"]);

    // once the chain is read up to now, the expiry sweep finds it short: underpaid
    const context = effects();
    await sweepExpiredIntents(context.db, context.reconcile, "anvil", new Date());
    expect(await statusOf(intent.id)).toBe("underpaid");
    expect(await eventsOf(intent.id)).toEqual(["payment.pending", "payment.underpaid"]);
  });

  it("reconciles every paid intent of a range once, with its transfers in block order", async () => {
    const intents = await Promise.all(Array.from({ length: 20 }, () => seedIntent()));
    const split = intents[0]!;
    const transfers = new Map<bigint, Transfer[]>([
      [
        1001n,
        [transfer(split, 1, ONE_ETH / 2n), ...intents.slice(1).map((intent, i) => transfer(intent, 10 + i))],
      ],
      [1003n, [transfer(split, 2, ONE_ETH / 2n)]],
    ]);
    const reconciled = await recordBlocks(effects(), blocksOf(1001n, 1004n, transfers));
    expect([...reconciled].sort()).toEqual(intents.map((intent) => intent.id).sort());
    for (const intent of intents.slice(1)) {
      expect(await eventsOf(intent.id)).toEqual(["payment.pending", "payment.confirmed"]);
    }
    expect(await eventsOf(split.id)).toEqual(["payment.pending", "payment.pending", "payment.confirmed"]);

    // replaying the range changes nothing
    await recordBlocks(effects(), blocksOf(1001n, 1004n, transfers));
    expect(await eventsOf(split.id)).toEqual(["payment.pending", "payment.pending", "payment.confirmed"]);
  });

  it("rejects when one intent's reconcile fails; a replay completes the range, each event once", async () => {
    const intents = await Promise.all(Array.from({ length: 12 }, () => seedIntent()));
    const paid = new Map([[1011n, intents.map((intent, i) => transfer(intent, 100 + i))]]);
    // the reconcile fails as a lost connection would (the clock is read inside the transaction); bad chain data
    // no longer can: it is skipped (see below)
    const failing = effects();
    failing.reconcile = {
      ...failing.reconcile,
      now: () => {
        throw new Error("connection terminated unexpectedly");
      },
    };
    await expect(recordBlocks(failing, blocksOf(1011n, 1012n, paid))).rejects.toThrow(
      "connection terminated",
    );
    // the range's intents share one transaction: none of them moved
    const statuses = await Promise.all(intents.map((intent) => statusOf(intent.id)));
    expect(new Set(statuses)).toEqual(new Set(["awaiting_payment"]));

    await recordBlocks(effects(), blocksOf(1011n, 1012n, paid));
    for (const intent of intents) {
      expect(await eventsOf(intent.id)).toEqual(["payment.pending", "payment.confirmed"]);
    }
  });
});

describe("confirmPendingPayments", () => {
  it("with onlyChangeable reconciles only intents whose threshold the head reaches, or whose expiry passed", async () => {
    // the payments of the tests above are all confirmed already
    const two = await seedIntent();
    const five = await seedIntent({ requiredConfirmations: 5 });
    const expiring = await seedIntent({ requiredConfirmations: 5 });
    const paid = new Map([
      [2001n, [transfer(two, 201), transfer(five, 202), transfer(expiring, 203, ONE_ETH / 2n)]],
    ]);
    await recordBlocks(effects(), blocksOf(2001n, 2001n, paid));
    expect(await eventsOf(two.id)).toEqual(["payment.pending"]);
    // the intent expires with half paid and its payment still short of its threshold
    await database.db
      .updateTable("payment_intents")
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where("id", "=", expiring.id)
      .execute();

    expect(await confirmPendingPayments(effects(), 2001n, { onlyChangeable: true })).toEqual(
      new Set([expiring.id]),
    );
    expect(await statusOf(expiring.id)).toBe("underpaid");
    expect(await eventsOf(two.id)).toEqual(["payment.pending"]);

    // `two` at exactly its 2 confirmations
    expect(await confirmPendingPayments(effects(), 2002n, { onlyChangeable: true })).toEqual(
      new Set([two.id]),
    );
    expect(await eventsOf(two.id)).toEqual(["payment.pending", "payment.confirmed"]);
    expect(await eventsOf(five.id)).toEqual(["payment.pending"]);

    // 4 confirmations: nothing to do
    expect(await confirmPendingPayments(effects(), 2004n, { onlyChangeable: true })).toEqual(new Set());
    expect(await eventsOf(five.id)).toEqual(["payment.pending"]);
    // without the option every intent with a pending payment is reconciled, as before
    expect(await confirmPendingPayments(effects(), 2004n)).toEqual(new Set([five.id, expiring.id]));

    await confirmPendingPayments(effects(), 2005n, { onlyChangeable: true });
    expect(await eventsOf(five.id)).toEqual(["payment.pending", "payment.confirmed"]);
  });
});

describe("observations that cannot be recorded", () => {
  it("are skipped and counted by reason, and the real payment beside them is recorded", async () => {
    const intent = await seedIntent();
    const other = await seedIntent();
    const skippedObservations = {};
    const context = { ...effects(), skippedObservations };
    const huge = 6n * 10n ** 77n; // fits numeric(78, 0) alone; two of them overflow the intent's total
    const bad: Transfer[] = [
      transfer(intent, 1, 0n),
      transfer(intent, 2, 10n ** 78n),
      transfer(intent, 3, -1n),
      { ...transfer(intent, 4), index: -1 },
      { ...transfer(intent, 5), txHash: "" },
      transfer(other, 6, huge),
      transfer(other, 7, huge),
    ];
    const blocks = blocksOf(7001n, 7001n, new Map([[7001n, [...bad, transfer(intent, 8)]]]));
    blocks[0]!.skipped = [{ reason: "malformed_log", txHash: hashOf(9n), index: 2 }];
    await recordBlocks(context, blocks);

    const payments = await database.db
      .selectFrom("payments")
      .select(["intent_id", "tx_hash", "amount"])
      .where("intent_id", "in", [intent.id, other.id])
      .orderBy("tx_hash")
      .execute();
    expect(payments.map((payment) => [payment.intent_id, payment.tx_hash, BigInt(payment.amount)])).toEqual([
      [other.id, hashOf(1_000_006n), huge],
      [intent.id, hashOf(1_000_008n), ONE_ETH],
    ]);
    expect(skippedObservations).toEqual({
      zero_amount: 1,
      amount_out_of_range: 2,
      malformed: 2,
      malformed_log: 1,
      rejected_by_database: 1,
    });
    // replaying the range changes nothing
    await recordBlocks(context, blocks);
    expect(
      await database.db.selectFrom("payments").where("intent_id", "in", [intent.id, other.id]).execute(),
    ).toHaveLength(2);
  });
});
