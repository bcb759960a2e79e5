import { type Db, type ReconcileContext, reconcileIntent } from "@paygate/shared";
import { sql } from "kysely";

/**
 * Moves intents past their expiry to `expired` / `underpaid` (the state machine decides which). `syncedUpTo` is
 * the start of the newest poll the scanner fully caught up with, not the wall clock: a payment mined before
 * expiry is on time, so an intent may only expire once every block up to its expiry has been read. While the
 * node is unreachable nothing expires (scenario S14: no state change while blind).
 *
 * Pending intents whose payments are all confirmed are swept too (short of the amount: underpaid); those with a
 * payment still confirming are decided when its confirmations arrive.
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
          eb.not(
            eb.exists(
              eb
                .selectFrom("payments")
                .select(sql`1`.as("one"))
                .whereRef("payments.intent_id", "=", "intent.id")
                .where("payments.status", "=", "pending"),
            ),
          ),
        ]),
      ]),
    )
    .orderBy("intent.expires_at")
    .limit(1000)
    .execute();
  for (const { id } of due) {
    await reconcileIntent(db, context, { intentId: id, cause: "expiry sweep" });
  }
  return due.length;
}
