import {
  type Db,
  type Logger,
  type PaymentObservation,
  type PaymentRow,
  RECONCILE_BATCH_SIZE,
  type ReconcileContext,
  type ReconcileRequest,
  reconcileIntent,
  reconcileIntents,
  reconcileIntentsInBatches,
} from "@paygate/shared";
import { sql } from "kysely";
import type { ScannedBlock, SkipReason } from "../chains/source.ts";
import { isUnstorableDataError, recordableTransfers, reportSkipped } from "./unrecordable.ts";

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
  /** Counts skipped observations by reason (the chain's metrics); they are logged either way. */
  skippedObservations?: Partial<Record<SkipReason, number>>;
}

/**
 * Reconciles every intent paid in `blocks` (one request per intent, with all its transfers in the range, in block
 * order), and reports stored payments of these heights whose block is no longer the one at that height (seen
 * again after a rescan across a fork) as vanished. The intents are reconciled in a few batched transactions; it
 * resolves only once every one is committed and rejects if any failed, so the caller never advances the
 * checkpoint past a range whose effects are not all written. Returns the intents it reconciled.
 */
export async function recordBlocks(
  effects: EffectsContext,
  blocks: readonly ScannedBlock[],
  /** How far the chain has been read (`ReconcileRequest.chainTime`); by default the last block's time. */
  chainTime: Date = blocks.at(-1)!.timestamp,
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

  const recordable = new Map(
    blocks.map((block) => {
      for (const skipped of block.skipped ?? []) reportSkipped(effects, skipped);
      return [block, recordableTransfers(effects, block.transfers)] as const;
    }),
  );
  const addresses = [
    ...new Set(
      [...recordable.values()].flatMap((transfers) => transfers.map((transfer) => transfer.address)),
    ),
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
    for (const transfer of recordable.get(block)!) {
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

  await reconcileOrSkip(
    effects,
    [...observations].map(([intentId, entry]) => ({
      intentId,
      observations: entry.observations,
      cause: entry.cause,
      head: last.number,
      chainTime,
    })),
  );
  return new Set(observations.keys());
}

/**
 * `reconcileIntents` in batches, except that observations PostgreSQL cannot store (an amount that passed the
 * checks above but overflows a sum, a value a constraint refuses) are skipped rather than retried forever: a
 * batch refused for its data is reconciled again intent by intent, the refused intent observation by
 * observation, and the observations refused again are reported and dropped. Other errors (a lost connection)
 * still reject, and the range is retried.
 */
export async function reconcileOrSkip(
  effects: EffectsContext,
  requests: readonly ReconcileRequest[],
): Promise<void> {
  for (let start = 0; start < requests.length; start += RECONCILE_BATCH_SIZE) {
    const batch = requests.slice(start, start + RECONCILE_BATCH_SIZE);
    try {
      await reconcileIntents(effects.db, effects.reconcile, batch);
    } catch (error) {
      if (!isUnstorableDataError(error)) throw error;
      for (const request of batch) await reconcileOneOrSkip(effects, request);
    }
  }
}

async function reconcileOneOrSkip(effects: EffectsContext, request: ReconcileRequest): Promise<void> {
  try {
    await reconcileIntent(effects.db, effects.reconcile, request);
    return;
  } catch (error) {
    if (!isUnstorableDataError(error) || !request.observations?.length) throw error;
  }
  for (const observation of request.observations) {
    try {
      await reconcileIntent(effects.db, effects.reconcile, { ...request, observations: [observation] });
    } catch (error) {
      if (!isUnstorableDataError(error)) throw error;
      reportSkipped(effects, {
        reason: "rejected_by_database",
        txHash: observation.txHash,
        index: observation.index,
        amount: observation.amount,
      });
    }
  }
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
  await reconcileIntentsInBatches(
    effects.db,
    effects.reconcile,
    [...byIntent].map(([intentId, payments]) => ({
      intentId,
      observations: payments.map(vanishedObservation),
      cause: `${effects.chain} reorg: blocks above ${ancestor} orphaned`,
      head: ancestor,
    })),
  );
  return orphaned.length;
}

export interface ConfirmOptions {
  /** Intents reconciled with this head already (their payments were just recorded): skipped. */
  alreadyReconciled?: ReadonlySet<string>;
  /**
   * Only the intents a reconcile can change at this head: a pending payment whose threshold the head reaches,
   * or an intent whose expiry has passed (the state machine may move it on the clock alone). For the ranges of
   * a catch-up before its last: the other intents with pending payments would be reconciled to no effect.
   */
  onlyChangeable?: boolean;
  /** How far the chain has been read (`ReconcileRequest.chainTime`): expiry is judged there, not at the clock. */
  chainTime?: Date;
}

/** A new head adds a confirmation to every payment still short of its threshold. Returns the intents reconciled. */
export async function confirmPendingPayments(
  effects: EffectsContext,
  head: bigint,
  options: ConfirmOptions = {},
): Promise<Set<string>> {
  const alreadyReconciled = options.alreadyReconciled ?? new Set<string>();
  let query = effects.db
    .selectFrom("payments")
    .select("payments.intent_id")
    .distinct()
    .where("payments.chain", "=", effects.chain)
    .where("payments.status", "=", "pending");
  if (options.onlyChangeable) {
    const finalized = effects.reconcile.chains.get(effects.chain)?.finality === "finalized";
    const clock = effects.reconcile.now?.() ?? new Date();
    const now = options.chainTime && options.chainTime < clock ? options.chainTime : clock;
    query = query.innerJoin("payment_intents as intent", "intent.id", "payments.intent_id").where((eb) =>
      eb.or([
        // confirmationsOf: head - block + 1 >= required; in `finalized` mode only a finalized block counts
        finalized
          ? sql<boolean>`payments.block_number <= (select finalized_number from chain_cursors where chain = ${effects.chain})`
          : sql<boolean>`payments.block_number <= ${head + 1n}::bigint - intent.required_confirmations`,
        eb.and([
          eb("intent.status", "in", ["awaiting_payment", "pending"]),
          eb("intent.expires_at", "<", now),
        ]),
      ]),
    );
  }
  const pending = (await query.execute()).filter(({ intent_id }) => !alreadyReconciled.has(intent_id));
  await reconcileIntentsInBatches(
    effects.db,
    effects.reconcile,
    pending.map(({ intent_id: intentId }) => ({
      intentId,
      cause: `${effects.chain} head ${head}`,
      head,
      chainTime: options.chainTime,
    })),
  );
  return new Set(pending.map(({ intent_id }) => intent_id));
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
