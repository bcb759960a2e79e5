import type { PaymentIntentRow, PaymentRow } from "../db/schema.ts";
import { newId } from "../ids.ts";

/** What a chain backend saw of one transfer to an intent's address. */
export interface PaymentObservation {
  txHash: string;
  /** Log index (ERC-20), output index (Bitcoin), 0 for a transaction's own value. */
  index: number;
  amount: bigint;
  /** null while in the mempool, or once vanished. */
  blockNumber: bigint | null;
  blockHash: string | null;
  blockTimestamp: Date | null;
  /** The transfer left the chain: reorged out, replaced, or dropped from the mempool. */
  vanished: boolean;
  rbf?: boolean;
}

export interface MergedPayment {
  row: PaymentRow;
  isNew: boolean;
  factsChanged: boolean;
}

/**
 * Folds observations into the stored payments. `paid_at` only moves earlier: a transaction first seen in the
 * mempool on time stays on time when it is mined later, and a re-mined one keeps its first time.
 */
export function mergeObservations(
  intent: Pick<PaymentIntentRow, "id" | "chain" | "address">,
  stored: readonly PaymentRow[],
  observations: readonly PaymentObservation[],
  now: Date,
): MergedPayment[] {
  const merged = stored.map((row) => ({ row, isNew: false, factsChanged: false }));
  for (const observation of observations) {
    const existing = merged.find(
      ({ row }) => row.tx_hash === observation.txHash && row.output_index === observation.index,
    );
    const observedAt = observation.blockTimestamp ?? now;
    if (!existing) {
      if (observation.vanished) continue; // never seen alive: nothing to record
      merged.push({
        isNew: true,
        factsChanged: true,
        row: {
          id: newId("pay"),
          intent_id: intent.id,
          chain: intent.chain,
          address: intent.address,
          tx_hash: observation.txHash,
          output_index: observation.index,
          amount: observation.amount,
          block_number: observation.blockNumber,
          block_hash: observation.blockHash,
          block_timestamp: observation.blockTimestamp,
          paid_at: observedAt,
          seen_at: now,
          rbf: observation.rbf ?? false,
          vanished: false,
          status: "pending",
          counted: false,
          revision: 0,
          updated_at: now,
        },
      });
      continue;
    }
    const row = existing.row;
    const next: PaymentRow = {
      ...row,
      block_number: observation.vanished ? null : observation.blockNumber,
      block_hash: observation.vanished ? null : observation.blockHash,
      block_timestamp: observation.vanished ? null : observation.blockTimestamp,
      paid_at: observation.vanished || observedAt >= row.paid_at ? row.paid_at : observedAt,
      rbf: observation.rbf ?? row.rbf,
      vanished: observation.vanished,
    };
    const changed =
      next.block_number !== row.block_number ||
      next.block_hash !== row.block_hash ||
      next.vanished !== row.vanished ||
      next.rbf !== row.rbf ||
      next.paid_at.getTime() !== row.paid_at.getTime();
    existing.row = next;
    existing.factsChanged ||= changed;
  }
  return merged;
}
