import { displayAmount, isZeroAmount } from "./display-amount.ts";
import type { PublicStatus } from "./public-status.ts";

/** How the page colours the status banner. */
export type StatusTone = "waiting" | "progress" | "success" | "attention" | "closed";

export interface StatusMessage {
  tone: StatusTone;
  headline: string;
  detail: string;
}

/** The banner's words for each intent state (contract section 2), from the payer's point of view. */
export function statusMessage(status: PublicStatus): StatusMessage {
  const asset = status.asset;
  const due = `${displayAmount(status.amount_due)} ${asset}`;
  const received = `${displayAmount(status.amount_received)} ${asset}`;
  const remaining = `${displayAmount(status.amount_remaining)} ${asset}`;
  const confirmations = `${Math.min(status.confirmations, status.required_confirmations)} of ${status.required_confirmations} confirmations`;
  switch (status.status) {
    case "awaiting_payment":
      return {
        tone: "waiting",
        headline: "Awaiting payment",
        detail: `Send exactly ${due} to the address below. This page updates by itself.`,
      };
    case "pending":
      if (!isZeroAmount(status.amount_remaining)) {
        return {
          tone: "attention",
          headline: `Partial payment: ${remaining} still due`,
          detail: `Received ${received} of ${due}. Send the remaining ${remaining} to the same address.`,
        };
      }
      return {
        tone: "progress",
        headline: `Payment received, confirming (${confirmations})`,
        detail: "The network is confirming your payment. Keep this page open or come back later.",
      };
    case "confirmed":
      return {
        tone: "success",
        headline: "Payment confirmed",
        detail:
          status.overpaid_amount === null
            ? "Thank you. The payment is complete; you can close this page."
            : `Thank you. The payment is complete. You sent ${displayAmount(status.overpaid_amount)} ${asset} more than due: contact the merchant about the difference.`,
      };
    case "underpaid":
      return {
        tone: "attention",
        headline: `Underpaid: ${remaining} still due`,
        detail: status.accepting_payment
          ? `Received ${received} of ${due}. Send the remaining ${remaining} to the same address to complete the payment.`
          : `Received ${received} of ${due}. This payment request is closed: contact the merchant.`,
      };
    case "expired":
      return {
        tone: "closed",
        headline: "Payment request expired",
        detail: status.final
          ? "Do not send funds to this address; return to the shop to start again."
          : "Do not send funds to this address; return to the shop to start again. A payment already sent is still detected here.",
      };
    case "canceled":
      return {
        tone: "closed",
        headline: "Payment canceled",
        detail: "The merchant canceled this payment request. Do not send funds to this address.",
      };
  }
}
