import type { PaymentObservation } from "@paygate/shared";
import { sql } from "kysely";
import type { MempoolTransfer } from "../chains/source.ts";
import { type EffectsContext, reconcileOrSkip, vanishedObservation } from "./record-transfers.ts";
import { recordableTransfers } from "./unrecordable.ts";

const keyOf = (txHash: string, index: number) => `${txHash}:${index}`;

/**
 * Addresses whose unconfirmed payments matter: intents still taking payments (not settled, canceled or past
 * their monitoring window), and any intent with a payment waiting in the mempool (its absence is news).
 */
export async function mempoolAddresses(effects: EffectsContext): Promise<string[]> {
  const now = effects.reconcile.now?.() ?? new Date();
  const rows = await effects.db
    .selectFrom("payment_intents")
    .select("address")
    .where("chain", "=", effects.chain)
    .where((eb) =>
      eb.or([
        eb.and([eb("status", "not in", ["confirmed", "canceled"]), eb("monitoring_ends_at", ">", now)]),
        eb.exists(
          eb
            .selectFrom("payments")
            .select(sql`1`.as("one"))
            .whereRef("payments.intent_id", "=", "payment_intents.id")
            .where("payments.block_number", "is", null)
            .where("payments.vanished", "=", false),
        ),
      ]),
    )
    .execute();
  return rows.map((row) => row.address);
}

/**
 * Reconciles what the mempool shows against what was recorded from it: a new unconfirmed transfer to an open
 * intent is a payment (first seen now: that is its payment time), and a recorded unconfirmed payment the
 * mempool no longer lists left it without being mined (dropped, or replaced by a conflicting transaction) and
 * is vanished. A replacement paying the same address has another txid: a new payment. Call only with a
 * snapshot taken at the scanned tip, so that "not listed" cannot mean "mined in a block not scanned yet".
 */
export async function recordMempool(
  effects: EffectsContext,
  seen: readonly MempoolTransfer[],
): Promise<void> {
  const { db, chain } = effects;
  const transfers = recordableTransfers(effects, seen);
  const now = effects.reconcile.now?.() ?? new Date();
  const listed = new Set(transfers.map((transfer) => keyOf(transfer.txHash, transfer.index)));
  const observations = new Map<string, PaymentObservation[]>();
  const observe = (intentId: string, observation: PaymentObservation) =>
    observations.set(intentId, [...(observations.get(intentId) ?? []), observation]);

  const waiting = await db
    .selectFrom("payments")
    .selectAll()
    .where("chain", "=", chain)
    .where("block_number", "is", null)
    .where("vanished", "=", false)
    .execute();
  for (const payment of waiting) {
    if (!listed.has(keyOf(payment.tx_hash, payment.output_index))) {
      observe(payment.intent_id, vanishedObservation(payment));
    }
  }

  if (transfers.length > 0) {
    const recorded = await db
      .selectFrom("payments")
      .select(["tx_hash", "output_index", "vanished"])
      .where("chain", "=", chain)
      .where("tx_hash", "in", [...new Set(transfers.map((transfer) => transfer.txHash))])
      .execute();
    const alive = new Set(
      recorded.filter((row) => !row.vanished).map((row) => keyOf(row.tx_hash, row.output_index)),
    );
    const wasRecorded = new Set(recorded.map((row) => keyOf(row.tx_hash, row.output_index)));
    const intents = await db
      .selectFrom("payment_intents")
      .select(["id", "address", "asset", "status", "monitoring_ends_at"])
      .where("chain", "=", chain)
      .where("address", "in", [...new Set(transfers.map((transfer) => transfer.address))])
      .execute();
    const intentAt = new Map(intents.map((intent) => [intent.address, intent]));
    for (const transfer of transfers) {
      const key = keyOf(transfer.txHash, transfer.index);
      const intent = intentAt.get(transfer.address);
      // already known: waiting in the mempool, or mined as far as the scanned blocks say
      if (!intent || intent.asset !== transfer.asset || alive.has(key)) continue;
      // settled, canceled and closed intents take a payment only once mined (recorded for operators)
      const open =
        intent.status !== "confirmed" && intent.status !== "canceled" && intent.monitoring_ends_at > now;
      if (!open && !wasRecorded.has(key)) continue;
      observe(intent.id, {
        txHash: transfer.txHash,
        index: transfer.index,
        amount: transfer.amount,
        blockNumber: null,
        blockHash: null,
        blockTimestamp: null,
        vanished: false,
        rbf: transfer.rbf,
      });
    }
  }

  await reconcileOrSkip(
    effects,
    [...observations].map(([intentId, intentObservations]) => ({
      intentId,
      observations: intentObservations,
      cause: `${chain} mempool`,
    })),
  );
}
