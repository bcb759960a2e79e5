import type { Logger } from "@paygate/shared";
import type { SkippedObservation, SkipReason, Transfer } from "../chains/source.ts";

/**
 * Contract section 8: bad chain data never stops a scanner. Anyone can send a 0-sat output or a 0-value
 * transfer to an address shown on a checkout page; if the payments table refused it, the range would be
 * retried forever and every merchant on the chain would stop being served. What cannot be recorded is
 * skipped with a warning and a metric instead, and the chain goes on.
 */

/** `numeric(78, 0)`: the amount columns hold fewer than 79 digits. */
const AMOUNT_LIMIT = 10n ** 78n;
/** `payments.output_index` is an `integer`. */
const MAX_INDEX = 2_147_483_647;
const MAX_TX_HASH_LENGTH = 100;

/** Why the payments table would refuse `transfer`, or null when it can be recorded. */
export function unrecordableReason(transfer: Transfer): SkipReason | null {
  if (typeof transfer.amount !== "bigint") return "malformed";
  if (transfer.amount === 0n) return "zero_amount";
  if (transfer.amount < 0n || transfer.amount >= AMOUNT_LIMIT) return "amount_out_of_range";
  if (!Number.isSafeInteger(transfer.index) || transfer.index < 0 || transfer.index > MAX_INDEX)
    return "malformed";
  if (typeof transfer.txHash !== "string" || transfer.txHash.length === 0) return "malformed";
  if (transfer.txHash.length > MAX_TX_HASH_LENGTH) return "malformed";
  if (typeof transfer.address !== "string" || transfer.address.length === 0) return "malformed";
  return null;
}

/** Where skipped observations are reported: a warning always, and the chain's counter when there is one. */
export interface SkipReporter {
  chain: string;
  logger: Logger;
  /** Counts by reason (the watcher's `paygate_watcher_observations_skipped_total`). */
  skippedObservations?: Partial<Record<SkipReason, number>>;
}

export function reportSkipped(reporter: SkipReporter, skipped: SkippedObservation): void {
  const counts = reporter.skippedObservations;
  if (counts) counts[skipped.reason] = (counts[skipped.reason] ?? 0) + 1;
  reporter.logger.warn(
    { chain: reporter.chain, ...skipped, amount: skipped.amount?.toString() },
    "chain observation skipped: it cannot be recorded",
  );
}

/** The transfers that can be recorded; the others are reported and dropped. */
export function recordableTransfers<T extends Transfer>(
  reporter: SkipReporter,
  transfers: readonly T[],
): T[] {
  return transfers.filter((transfer) => {
    const reason = unrecordableReason(transfer);
    if (reason === null) return true;
    reportSkipped(reporter, {
      reason,
      txHash: String(transfer.txHash),
      index: transfer.index,
      address: transfer.address,
      amount: typeof transfer.amount === "bigint" ? transfer.amount : undefined,
    });
    return false;
  });
}

/**
 * PostgreSQL's verdict that a value cannot be stored: data exceptions (class 22: numeric overflow, invalid
 * text) and integrity checks (23514 check, 23502 not null). Retrying the same data can never succeed.
 */
export function isUnstorableDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("22") || code === "23514" || code === "23502");
}
