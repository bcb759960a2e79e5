import { checkoutScript } from "./checkout-script.ts";
import { formatCountdown } from "./countdown.ts";
import { displayAmount } from "./display-amount.ts";
import type { Checkout } from "./find-checkout.ts";
import { html, type SafeHtml, trustedHtml } from "./html.ts";
import { networkName } from "./network-names.ts";
import { renderLayout } from "./page-layout.ts";
import type { PublicStatus } from "./public-status.ts";
import { statusMessage } from "./status-message.ts";

export interface CheckoutPageInput {
  checkout: Checkout;
  status: PublicStatus;
  /** `status.payment_uri` and its QR code, while the intent accepts payment. */
  payment: { uri: string; qrSvg: string } | undefined;
  nonce: string;
  now: Date;
}

/**
 * `GET /pay/:id`. The regions marked `data-region` are what the script swaps in place when the status
 * changes, so they must exist (perhaps empty and hidden) in every state.
 */
export function renderCheckoutPage(input: CheckoutPageInput): string {
  const { checkout, status, nonce } = input;
  const { intent } = checkout;
  const message = statusMessage(status);
  const fiatPrice = intent.price.currency !== intent.asset;
  const body = html`<main data-checkout data-status-url="/pay/${intent.id}/status" data-page-url="/pay/${intent.id}" data-initial-status="${JSON.stringify(status)}">
<div class="card">
<header class="merchant">
<p class="eyebrow">Payment to</p>
<h1>${checkout.merchantName}</h1>
${intent.order_id !== null && html`<p class="order">Order <span class="mono">${intent.order_id}</span></p>`}
${fiatPrice && html`<p class="price">Price <strong>${intent.price.amount} ${intent.price.currency}</strong></p>`}
</header>
<div id="status" data-region="status" class="status tone-${message.tone}" role="status" aria-live="polite" aria-atomic="true">
<p class="headline">${message.headline}</p>
<p class="detail">${message.detail}</p>
</div>
<section data-region="instructions" aria-label="How to pay"${trustedHtml(input.payment === undefined ? " hidden" : "")}>
${input.payment !== undefined && instructions(input, input.payment)}
</section>
<p id="copy-feedback" class="visually-hidden" aria-live="polite"></p>
</div>
<footer>
<p>Payment ID <span class="mono">${intent.id}</span></p>
<p>Payments are detected on the blockchain automatically; no account or sign-in is needed.</p>
</footer>
</main>`;
  return renderLayout({
    title: `Pay ${checkout.merchantName}`,
    nonce,
    body,
    script: checkoutScript,
    refreshWithoutScript: 15,
  });
}

function instructions(input: CheckoutPageInput, payment: { uri: string; qrSvg: string }): SafeHtml {
  const { checkout, status, now } = input;
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
<dd><span class="value amount" id="amount-value">${amount}</span><span class="unit">${asset.symbol}</span>
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
