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
let reconciles = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  fixtures = await intentFixtures(database.db);
});

afterAll(async () => {
  await database?.drop();
});

function effects(): EffectsContext {
  // reconcileIntent reads the clock once per call: counting the reads counts the reconciles
  const reconcile: ReconcileContext = {
    chains,
    publicUrl: "http://localhost:3000",
    now: () => {
      reconciles += 1;
      return new Date();
    },
  };
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
    reconciles = 0;
    const reconciled = await recordBlocks(effects(), blocksOf(1001n, 1004n, transfers));
    expect(reconciled.size).toBe(20);
    expect(reconciles).toBe(20);
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
    const bad = intents[5]!;
    // a zero amount breaks the payments table's check constraint: that intent's transaction fails
    const paid = (badAmount: bigint) =>
      new Map([
        [1011n, intents.map((intent, i) => transfer(intent, 100 + i, intent === bad ? badAmount : ONE_ETH))],
      ]);
    await expect(recordBlocks(effects(), blocksOf(1011n, 1012n, paid(0n)))).rejects.toThrow();
    expect(await statusOf(bad.id)).toBe("awaiting_payment");

    await recordBlocks(effects(), blocksOf(1011n, 1012n, paid(ONE_ETH)));
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

    reconciles = 0;
    await confirmPendingPayments(effects(), 2001n, { onlyChangeable: true });
    expect(reconciles).toBe(2); // the query's own clock read, and the expired intent
    expect(await statusOf(expiring.id)).toBe("underpaid");
    expect(await eventsOf(two.id)).toEqual(["payment.pending"]);

    reconciles = 0;
    await confirmPendingPayments(effects(), 2002n, { onlyChangeable: true });
    expect(reconciles).toBe(2); // the query, and `two` at exactly its 2 confirmations
    expect(await eventsOf(two.id)).toEqual(["payment.pending", "payment.confirmed"]);
    expect(await eventsOf(five.id)).toEqual(["payment.pending"]);

    reconciles = 0;
    await confirmPendingPayments(effects(), 2004n, { onlyChangeable: true });
    expect(reconciles).toBe(1); // 4 confirmations: nothing to do
    expect(await eventsOf(five.id)).toEqual(["payment.pending"]);
    // without the option every intent with a pending payment is reconciled, as before
    reconciles = 0;
    await confirmPendingPayments(effects(), 2004n);
    expect(reconciles).toBe(2);

    await confirmPendingPayments(effects(), 2005n, { onlyChangeable: true });
    expect(await eventsOf(five.id)).toEqual(["payment.pending", "payment.confirmed"]);
  });
});
