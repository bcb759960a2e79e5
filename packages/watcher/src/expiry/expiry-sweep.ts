import { type Db, type ReconcileContext, reconcileIntentsInBatches } from "@paygate/shared";
import { sql } from "kysely";

/**
 * Moves intents past their expiry to `expired` / `underpaid` (the state machine decides which). `syncedUpTo` is
 * the start of the newest poll the scanner fully caught up with, not the wall clock: a payment mined before
 * expiry is on time, so an intent may only expire once every block up to its expiry has been read. While the
 * node is unreachable nothing expires (scenario S14: no state change while blind).
 *
 * Pending intents whose seen total is short are swept too (underpaid, even while a payment still confirms: a
 * mempool payment may never be mined); those with enough seen are decided when the confirmations arrive.
 */
export async function sweepExpiredIntents(
  db: Db,
  context: ReconcileContext,
  chain: string,
  syncedUpTo: Date,
): Promise<number> {
  const due = await db
    .selectFrom("payment_intents as intent")
    .select("intent.id")
    .where("intent.chain", "=", chain)
    .where("intent.expires_at", "<", syncedUpTo)
    .where((eb) =>
      eb.or([
        eb("intent.status", "=", "awaiting_payment"),
        eb.and([
          eb("intent.status", "=", "pending"),
          // the state machine's minimumAcceptable: due minus the tolerance, the tolerance rounded down
          sql<boolean>`intent.amount_received < intent.amount_due - div(intent.amount_due * intent.underpayment_tolerance_bps, 10000)`,
        ]),
      ]),
    )
    .orderBy("intent.expires_at")
    .limit(1000)
    .execute();
  await reconcileIntentsInBatches(
    db,
    context,
    due.map(({ id }) => ({ intentId: id, cause: "expiry sweep", chainTime: syncedUpTo })),
  );
  return due.length;
}
