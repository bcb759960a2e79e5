import { type Db, newId, type SweepRow } from "@paygate/shared";
import type { SweepBundle } from "../format/bundle-format.ts";
import type { SendResult } from "./send-bundle.ts";

/** Records a sent bundle; sending it again updates the same row (keyed by the bundle's first transaction). */
export async function recordSweep(db: Db, bundle: SweepBundle, result: SendResult): Promise<void> {
  const bundleKey = bundle.transactions[0]?.hash;
  if (!bundleKey) return;
  const moved: Record<string, Record<string, string>> = {};
  for (const row of result.balances) {
    moved[row.address] = { ...moved[row.address], [row.asset]: String(row.moved) };
  }
  const values = {
    tx_hashes: JSON.stringify(result.transactions.map((tx) => tx.hash)),
    moved: JSON.stringify(moved),
    status: result.complete ? ("sent" as const) : ("incomplete" as const),
  };
  await db
    .insertInto("sweeps")
    .values({
      id: newId("swp"),
      merchant_id: bundle.plan.merchant_id,
      chain: bundle.plan.chain.id,
      method: bundle.plan.method,
      treasury: bundle.plan.treasury,
      plan_block: BigInt(bundle.plan.block_number),
      bundle_key: bundleKey,
      ...values,
    })
    .onConflict((conflict) =>
      conflict.column("bundle_key").doUpdateSet({ ...values, updated_at: new Date() }),
    )
    .execute();
}

export function listSweeps(db: Db, merchantId: string): Promise<SweepRow[]> {
  return db
    .selectFrom("sweeps")
    .selectAll()
    .where("merchant_id", "=", merchantId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}
