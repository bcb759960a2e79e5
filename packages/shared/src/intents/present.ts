import { type Chain, type ChainTip, confirmationsOf, findAsset } from "../chains/index.ts";
import type { PaymentIntentRow, PaymentRow } from "../db/schema.ts";
import { formatAmount } from "../money/index.ts";
import { bip21Uri, eip681Uri } from "../payment-uri/index.ts";
import type { IntentObject, PaymentObject } from "./intent-schema.ts";

export interface PresentationContext {
  chain: Chain;
  tip: ChainTip;
  publicUrl: string;
}

export function presentPayment(
  payment: PaymentRow,
  intent: PaymentIntentRow,
  decimals: number,
  context: PresentationContext,
): PaymentObject {
  const confirmations =
    payment.status === "reverted"
      ? 0
      : confirmationsOf(payment.block_number, context.tip, context.chain, intent.required_confirmations);
  return {
    id: payment.id,
    tx_hash: payment.tx_hash,
    index: payment.output_index,
    amount: formatAmount(payment.amount, decimals),
    block_number: payment.block_number === null ? null : Number(payment.block_number),
    // a payment the watcher already settled keeps at least its threshold even if the tip read is older
    confirmations:
      payment.status === "confirmed" ? Math.max(confirmations, intent.required_confirmations) : confirmations,
    status: payment.status,
    counted: payment.counted,
    rbf: payment.rbf,
    seen_at: payment.seen_at.toISOString(),
  };
}

/** Payments embedded in a webhook body: the newest ones, so a stream of dust transfers cannot grow it past 20 KiB. */
export const EVENT_BODY_MAX_PAYMENTS = 10;

export function presentIntent(
  intent: PaymentIntentRow,
  payments: readonly PaymentRow[],
  context: PresentationContext,
  options: { maxPayments?: number } = {},
): IntentObject {
  const asset = findAsset(context.chain, intent.asset);
  if (!asset)
    throw new Error(`intent ${intent.id}: asset ${intent.asset} is no longer configured on ${intent.chain}`);
  const money = (units: bigint) => formatAmount(units, asset.decimals);
  // payments seen by one observation share `seen_at` and their ids are random: when they happened breaks the tie
  const paymentObjects = [...payments]
    .sort(
      (a, b) =>
        a.seen_at.getTime() - b.seen_at.getTime() ||
        a.paid_at.getTime() - b.paid_at.getTime() ||
        a.id.localeCompare(b.id),
    )
    .map((payment) => presentPayment(payment, intent, asset.decimals, context));
  const live = paymentObjects.filter((payment) => payment.counted && payment.status !== "reverted");
  return {
    id: intent.id,
    object: "payment_intent",
    status: intent.status,
    chain: intent.chain,
    asset: intent.asset,
    address: intent.address,
    amount_due: money(intent.amount_due),
    amount_received: money(intent.amount_received),
    amount_confirmed: money(intent.amount_confirmed),
    overpaid_amount: intent.overpaid_amount === null ? null : money(intent.overpaid_amount),
    late: intent.late,
    // the least-confirmed live payment is the one the intent waits for
    confirmations: live.length === 0 ? 0 : Math.min(...live.map((payment) => payment.confirmations)),
    required_confirmations: intent.required_confirmations,
    price: { amount: intent.price_amount, currency: intent.price_currency },
    quote: {
      rate: intent.quote_rate,
      source: intent.quote_source,
      quoted_at: intent.quoted_at.toISOString(),
      expires_at: intent.expires_at.toISOString(),
    },
    payment_uri: paymentUri(intent, context.chain),
    checkout_url: `${context.publicUrl}/pay/${intent.id}`,
    payments: options.maxPayments === undefined ? paymentObjects : paymentObjects.slice(-options.maxPayments),
    order_id: intent.order_id,
    metadata: intent.metadata,
    created_at: intent.created_at.toISOString(),
    expires_at: intent.expires_at.toISOString(),
    monitoring_ends_at: intent.monitoring_ends_at.toISOString(),
    confirmed_at: intent.confirmed_at?.toISOString() ?? null,
    canceled_at: intent.canceled_at?.toISOString() ?? null,
  };
}

export function paymentUri(
  intent: Pick<PaymentIntentRow, "address" | "asset" | "amount_due">,
  chain: Chain,
): string {
  const asset = findAsset(chain, intent.asset);
  if (!asset) throw new Error(`asset ${intent.asset} is not configured on ${chain.id}`);
  if (chain.family === "bitcoin") {
    return bip21Uri({ address: intent.address, amount: formatAmount(intent.amount_due, asset.decimals) });
  }
  return eip681Uri({
    chainId: chain.chainId!,
    to: intent.address as `0x${string}`,
    amount: intent.amount_due,
    token: asset.contract,
  });
}
