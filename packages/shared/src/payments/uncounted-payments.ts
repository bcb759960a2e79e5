import type { Chain } from "../chains/chain.ts";
import { findAsset } from "../chains/chain.ts";
import type { Db } from "../db/connect.ts";
import { formatAmount } from "../money/index.ts";

/**
 * A transfer the gateway recorded but did not count: it reached a canceled intent, or an expired or underpaid
 * one after its monitoring window (contract section 2, "listed for operators"). The money is the merchant's,
 * on the merchant's address; someone has to refund or reconcile it by hand.
 */
export interface UncountedPayment {
  id: string;
  merchant_id: string;
  intent_id: string;
  intent_status: string;
  chain: string;
  asset: string;
  address: string;
  tx_hash: string;
  index: number;
  amount: string;
  block_number: number | null;
  status: string;
  seen_at: string;
}

/** Newest first (the `payments_uncounted` index), optionally one chain's or one merchant's. */
export async function listUncountedPayments(
  db: Db,
  chains: readonly Chain[],
  filter: { chain?: string; merchantId?: string; limit: number },
): Promise<UncountedPayment[]> {
  let query = db
    .selectFrom("payments")
    .innerJoin("payment_intents as intent", "intent.id", "payments.intent_id")
    .select([
      "payments.id",
      "intent.merchant_id",
      "payments.intent_id",
      "intent.status as intent_status",
      "payments.chain",
      "intent.asset",
      "payments.address",
      "payments.tx_hash",
      "payments.output_index",
      "payments.amount",
      "payments.block_number",
      "payments.status",
      "payments.seen_at",
    ])
    .where("payments.counted", "=", false)
    .orderBy("payments.seen_at", "desc")
    .orderBy("payments.id", "desc")
    .limit(filter.limit);
  if (filter.chain) query = query.where("payments.chain", "=", filter.chain);
  if (filter.merchantId) query = query.where("intent.merchant_id", "=", filter.merchantId);
  const rows = await query.execute();
  return rows.map((row) => {
    const chain = chains.find((candidate) => candidate.id === row.chain);
    const asset = chain && findAsset(chain, row.asset);
    return {
      id: row.id,
      merchant_id: row.merchant_id,
      intent_id: row.intent_id,
      intent_status: row.intent_status,
      chain: row.chain,
      asset: row.asset,
      address: row.address,
      tx_hash: row.tx_hash,
      index: row.output_index,
      // an asset dropped from the configuration since: base units, labelled as such
      amount: asset ? formatAmount(row.amount, asset.decimals) : `${row.amount} base units`,
      block_number: row.block_number === null ? null : Number(row.block_number),
      status: row.status,
      seen_at: row.seen_at.toISOString(),
    };
  });
}
