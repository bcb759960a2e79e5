import { checkoutScript } from "./checkout-script.ts";
import { formatCountdown } from "./countdown.ts";
import { displayAmount, isZeroAmount } from "./display-amount.ts";
import type { Checkout } from "./find-checkout.ts";
import { html, type SafeHtml, trustedHtml } from "./html.ts";
import { networkName } from "./network-names.ts";
import { renderLayout } from "./page-layout.ts";
import type { PublicStatus } from "./public-status.ts";
import { statusMessage } from "./status-message.ts";

export interface CheckoutView {
  checkout: Checkout;
  status: PublicStatus;
  /** `status.payment_uri` and its QR code, while the intent accepts payment. */
  payment: { uri: string; qrSvg: string } | undefined;
  now: Date;
}

/**
 * `GET /pay/:id`. The live regions come from `renderLiveRegions`, which `GET /pay/:id/regions` also answers
 * so the script can swap them in place when the status changes.
 */
export function renderCheckoutPage(view: CheckoutView, nonce: string): string {
  const { intent } = view.checkout;
  const fiatPrice = intent.price.currency !== intent.asset;
  const body = html`<main data-checkout data-status-url="/pay/${intent.id}/status" data-regions-url="/pay/${intent.id}/regions" data-initial-status="${JSON.stringify(view.status)}">
<div class="card">
<header class="merchant">
<p class="eyebrow">Payment to</p>
<h1>${view.checkout.merchantName}</h1>
${intent.order_id !== null && html`<p class="order">Order <span class="mono">${intent.order_id}</span></p>`}
${fiatPrice && html`<p class="price">Price <strong>${intent.price.amount} ${intent.price.currency}</strong></p>`}
</header>
${renderLiveRegions(view)}
<p id="copy-feedback" class="visually-hidden" aria-live="polite"></p>
</div>
<footer>
<p>Payment ID <span class="mono">${intent.id}</span></p>
<p>Payments are detected on the blockchain automatically; no account or sign-in is needed.</p>
</footer>
</main>`;
  return renderLayout({
    title: `Pay ${view.checkout.merchantName}`,
    nonce,
    body,
    script: checkoutScript,
    refreshWithoutScript: 15,
  });
}

/**
 * The parts of the page that follow the status, each marked `data-region`. Every region exists in every
 * state (perhaps empty and hidden), so the script always finds what to replace. No style or script inside:
 * a fragment parsed by the page must not carry anything its CSP would refuse.
 */
export function renderLiveRegions(view: CheckoutView): SafeHtml {
  const message = statusMessage(view.status);
  return html`<div id="status" data-region="status" class="status tone-${message.tone}" role="status" aria-live="polite" aria-atomic="true">
<p class="headline">${message.headline}</p>
<p class="detail">${message.detail}</p>
</div>
<section data-region="instructions" aria-label="How to pay"${hiddenUnless(view.payment !== undefined)}>
${view.payment !== undefined && instructions(view, view.payment)}
</section>
<section data-region="summary" aria-label="Payment summary"${hiddenUnless(view.payment === undefined)}>
${view.payment === undefined && summary(view)}
</section>`;
}

const hiddenUnless = (shown: boolean) => trustedHtml(shown ? "" : " hidden");

/** Once nothing is to be sent: what was asked, what arrived, and the transactions a payer can look up. */
function summary(view: CheckoutView): SafeHtml {
  const { status, checkout } = view;
  const unit = checkout.asset.symbol;
  const transactions = checkout.intent.payments.filter(
    (payment) => payment.counted && payment.status !== "reverted",
  );
  return html`<dl class="fields">
<div class="field"><dt>Amount</dt><dd>${displayAmount(status.amount_due)} ${unit}</dd></div>
${!isZeroAmount(status.amount_received) && html`<div class="field"><dt>Received</dt><dd>${displayAmount(status.amount_received)} ${unit}</dd></div>`}
<div class="field"><dt>Network</dt><dd>${networkName(status.chain)}</dd></div>
${transactions.length > 0 && html`<div class="field"><dt>${transactions.length === 1 ? "Transaction" : "Transactions"}</dt>${transactions.map((payment) => html`<dd><span class="value mono">${payment.tx_hash}</span></dd>`)}</div>`}
</dl>`;
}

function instructions(view: CheckoutView, payment: { uri: string; qrSvg: string }): SafeHtml {
  const { checkout, status, now } = view;
  const { asset } = checkout;
  const network = networkName(status.chain);
  const amount = displayAmount(status.amount_remaining);
  const partlyPaid = status.amount_remaining !== status.amount_due;
  const expiresAt = Date.parse(status.expires_at);
  const counting =
    (status.status === "awaiting_payment" || status.status === "pending") && now.getTime() < expiresAt;
  return html`<div class="pay">
<figure class="qr">
<div class="code" role="img" aria-label="QR code: pay ${amount} ${asset.symbol} to ${status.address}">${trustedHtml(payment.qrSvg)}</div>
<figcaption>Scan with your wallet app</figcaption>
</figure>
<dl class="fields">
<div class="field">
<dt>${partlyPaid ? "Still to send" : "Amount to send"}</dt>
<dd><span class="value"><span class="amount" id="amount-value">${amount}</span> <span class="unit">${asset.symbol}</span></span>
<button type="button" class="copy" data-copy="amount-value" data-copy-label="Amount" aria-label="Copy amount">Copy</button></dd>
</div>
<div class="field">
<dt>Network</dt>
<dd>${network}</dd>
</div>
${asset.contract !== undefined && html`<div class="field"><dt>Token contract</dt><dd><span class="value mono">${asset.contract}</span></dd></div>`}
<div class="field">
<dt>Address</dt>
<dd><span class="value mono" id="address-value">${status.address}</span>
<button type="button" class="copy" data-copy="address-value" data-copy-label="Address" aria-label="Copy address">Copy</button></dd>
</div>
</dl>
</div>
<a class="wallet" href="${payment.uri}">Open in wallet</a>
${counting && html`<p class="countdown">Expires in <time role="timer" datetime="${status.expires_at}" data-expires-at="${status.expires_at}">${formatCountdown(expiresAt - now.getTime())}</time></p>`}
<p class="warning">Send only ${asset.symbol} on ${network}. Funds sent in another asset or on another network cannot be recovered.</p>`;
}
