/**
 * What an intent must look like once every payment is confirmed, from the payments alone (contract section 2):
 * the chain is the truth, the gateway's record is checked against it.
 */
export interface PaidTransfer {
  amount: bigint;
  /** Block time, ms. */
  minedAt: number;
}

export interface ExpectedIntent {
  status: "awaiting_payment" | "confirmed" | "underpaid" | "expired" | "pending";
  received: bigint;
  overpaid: bigint | null;
  /** Only asserted when every payment was late or every payment on time. */
  late: boolean | undefined;
}

export function expectedIntent(
  intent: { amountDue: bigint; expiresAt: number },
  transfers: readonly PaidTransfer[],
  now: number,
): ExpectedIntent {
  const received = transfers.reduce((sum, transfer) => sum + transfer.amount, 0n);
  const expired = now > intent.expiresAt;
  const lateCount = transfers.filter((transfer) => transfer.minedAt > intent.expiresAt).length;
  const late = lateCount === transfers.length ? true : lateCount === 0 ? false : undefined;
  if (received === 0n) {
    return { status: expired ? "expired" : "awaiting_payment", received, overpaid: null, late: false };
  }
  if (received >= intent.amountDue) {
    return {
      status: "confirmed",
      received,
      overpaid: received > intent.amountDue ? received - intent.amountDue : null,
      late,
    };
  }
  return { status: expired ? "underpaid" : "pending", received, overpaid: null, late: undefined };
}
