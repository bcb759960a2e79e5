import { formatAmount, type IntentObject, parseAmount, paymentUri } from "@paygate/shared";
import type { Checkout } from "./find-checkout.ts";

/**
 * `GET /pay/:id/status`: what the payer may see, nothing more (no order id, metadata, price or merchant ids).
 * Amounts are exact decimal strings in asset units, as in the REST API.
 */
export interface PublicStatus {
  id: string;
  object: "checkout_status";
  status: IntentObject["status"];
  chain: string;
  asset: string;
  address: string;
  amount_due: string;
  amount_received: string;
  /** What is still to send: `amount_due - amount_received`, never below zero. */
  amount_remaining: string;
  overpaid_amount: string | null;
  late: boolean;
  confirmations: number;
  required_confirmations: number;
  /** Whether a payer should send `amount_remaining` now (false once it is paid, canceled, expired or closed). */
  accepting_payment: boolean;
  /** Nothing can change any more: confirmed, canceled, or expired/underpaid past the monitoring window. */
  final: boolean;
  /** BIP21 / EIP-681 URI for `amount_remaining` while `accepting_payment`; null otherwise. */
  payment_uri: string | null;
  expires_at: string;
  confirmed_at: string | null;
  /** The server's clock, so the page counts down to `expires_at` whatever the payer's clock says. */
  server_time: string;
}

export function publicStatus(checkout: Checkout, now: Date): PublicStatus {
  const { intent, chain, asset } = checkout;
  const due = parseAmount(intent.amount_due, asset.decimals);
  const received = parseAmount(intent.amount_received, asset.decimals);
  const remaining = received >= due ? 0n : due - received;
  const accepting = remaining > 0n && isOpenFor(intent, now);
  return {
    id: intent.id,
    object: "checkout_status",
    status: intent.status,
    chain: intent.chain,
    asset: intent.asset,
    address: intent.address,
    amount_due: intent.amount_due,
    amount_received: intent.amount_received,
    amount_remaining: formatAmount(remaining, asset.decimals),
    overpaid_amount: intent.overpaid_amount,
    late: intent.late,
    confirmations: intent.confirmations,
    required_confirmations: intent.required_confirmations,
    accepting_payment: accepting,
    final: isFinal(intent, now),
    payment_uri: !accepting
      ? null
      : remaining === due
        ? intent.payment_uri
        : paymentUri({ address: intent.address, asset: intent.asset, amount_due: remaining }, chain),
    expires_at: intent.expires_at,
    confirmed_at: intent.confirmed_at,
    server_time: now.toISOString(),
  };
}

/**
 * A first payment is invited only until expiry. Once part of the amount has arrived, a top-up still counts
 * during the monitoring window (contract section 2: `underpaid -> pending`). Expired and canceled intents
 * must not invite payments, although a late one already sent is still detected.
 */
function isOpenFor(intent: IntentObject, now: Date): boolean {
  switch (intent.status) {
    case "awaiting_payment":
      return now.getTime() <= Date.parse(intent.expires_at);
    case "pending":
    case "underpaid":
      return now.getTime() < Date.parse(intent.monitoring_ends_at);
    default:
      return false;
  }
}

/** After the monitoring window late transfers are recorded but change no state (contract section 2). */
function isFinal(intent: IntentObject, now: Date): boolean {
  switch (intent.status) {
    case "confirmed":
    case "canceled":
      return true;
    case "expired":
    case "underpaid":
      return now.getTime() >= Date.parse(intent.monitoring_ends_at);
    default:
      return false;
  }
}
