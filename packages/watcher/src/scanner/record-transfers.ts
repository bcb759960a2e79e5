import {
  type Db,
  type Logger,
  type PaymentObservation,
  type PaymentRow,
  type ReconcileContext,
  reconcileIntent,
} from "@paygate/shared";
import type { ScannedBlock } from "../chains/source.ts";

/**
 * The scanner's effects, all through `reconcileIntent` (the single write path for intent state): what a range
 * of blocks shows, what a reorg took away, and the confirmations a new head adds. Replaying any of them is a
 * no-op, which is what makes restarts, retries and `paygate rescan` safe.
 */
export interface EffectsContext {
  db: Db;
  reconcile: ReconcileContext;
  chain: string;
  logger: Logger;
}

/**
 * Reconciles every intent paid in `blocks` (one call per intent, with all its transfers in the range), and
 * reports stored payments of these heights whose block is no longer the one at that height (seen again after a
 * rescan across a fork) as vanished. Returns the intents it reconciled.
 */
export async function recordBlocks(
  effects: EffectsContext,
  blocks: readonly ScannedBlock[],
): Promise<Set<string>> {
  const { db, chain } = effects;
  const first = blocks[0]!;
  const last = blocks.at(-1)!;
  const observations = new Map<string, { observations: PaymentObservation[]; cause: string }>();
  const observe = (intentId: string, observation: PaymentObservation, cause: string) => {
    const entry = observations.get(intentId) ?? { observations: [], cause };
    entry.observations.push(observation);
    entry.cause = cause;
    observations.set(intentId, entry);
  };

  const addresses = [
    ...new Set(blocks.flatMap((block) => block.transfers.map((transfer) => transfer.address))),
  ];
  const intents =
    addresses.length === 0
      ? []
      : await db
          .selectFrom("payment_intents")
          .select(["id", "address", "asset"])
          .where("chain", "=", chain)
          .where("address", "in", addresses)
          .execute();
  const intentAt = new Map(intents.map((intent) => [intent.address, intent]));
  const seen = new Set<string>();
  for (const block of blocks) {
    for (const transfer of block.transfers) {
      const intent = intentAt.get(transfer.address);
      if (!intent) continue;
      if (intent.asset !== transfer.asset) {
        // another asset sent to the address: it is not what the intent asks for and cannot count toward it
        effects.logger.warn(
          { chain, intent: intent.id, asset: transfer.asset, tx: transfer.txHash },
          "transfer of another asset to an intent address ignored",
        );
        continue;
      }
      seen.add(`${transfer.txHash}:${transfer.index}`);
      observe(
        intent.id,
        {
          txHash: transfer.txHash,
          index: transfer.index,
          amount: transfer.amount,
          blockNumber: block.number,
          blockHash: block.hash,
          blockTimestamp: block.timestamp,
          vanished: false,
        },
        `${chain} block ${block.number} ${block.hash}`,
      );
    }
  }

  const hashAt = new Map(blocks.map((block) => [block.number, block.hash]));
  const stale = await db
    .selectFrom("payments")
    .selectAll()
    .where("chain", "=", chain)
    .where("block_number", ">=", first.number)
    .where("block_number", "<=", last.number)
    .where("vanished", "=", false)
    .execute();
  for (const payment of stale) {
    if (hashAt.get(payment.block_number!) === payment.block_hash) continue;
    if (seen.has(`${payment.tx_hash}:${payment.output_index}`)) continue;
    observe(
      payment.intent_id,
      vanishedObservation(payment),
      `${chain} block ${payment.block_number} replaced`,
    );
  }

  for (const [intentId, entry] of [...observations].sort(([a], [b]) => a.localeCompare(b))) {
    await reconcileIntent(db, effects.reconcile, {
      intentId,
      observations: entry.observations,
      cause: entry.cause,
      head: last.number,
    });
  }
  return new Set(observations.keys());
}

/** A reorg orphaned every block above `ancestor`: the payments they held left the chain. */
export async function vanishOrphanedPayments(effects: EffectsContext, ancestor: bigint): Promise<number> {
  const orphaned = await effects.db
    .selectFrom("payments")
    .selectAll()
    .where("chain", "=", effects.chain)
    .where("block_number", ">", ancestor)
    .where("vanished", "=", false)
    .orderBy("intent_id")
    .execute();
  const byIntent = new Map<string, PaymentRow[]>();
  for (const payment of orphaned)
    byIntent.set(payment.intent_id, [...(byIntent.get(payment.intent_id) ?? []), payment]);
  for (const [intentId, payments] of byIntent) {
    await reconcileIntent(effects.db, effects.reconcile, {
      intentId,
      observations: payments.map(vanishedObservation),
      cause: `${effects.chain} reorg: blocks above ${ancestor} orphaned`,
      head: ancestor,
    });
  }
  return orphaned.length;
}

/** A new head adds a confirmation to every payment still short of its threshold. */
export async function confirmPendingPayments(
  effects: EffectsContext,
  head: bigint,
  alreadyReconciled: ReadonlySet<string> = new Set(),
): Promise<void> {
  const pending = await effects.db
    .selectFrom("payments")
    .select("intent_id")
    .distinct()
    .where("chain", "=", effects.chain)
    .where("status", "=", "pending")
    .execute();
  for (const { intent_id: intentId } of pending) {
    if (alreadyReconciled.has(intentId)) continue;
    await reconcileIntent(effects.db, effects.reconcile, {
      intentId,
      cause: `${effects.chain} head ${head}`,
      head,
    });
  }
}

export function vanishedObservation(payment: PaymentRow): PaymentObservation {
  return {
    txHash: payment.tx_hash,
    index: payment.output_index,
    amount: payment.amount,
    blockNumber: null,
    blockHash: null,
    blockTimestamp: null,
    vanished: true,
  };
}
