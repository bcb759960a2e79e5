import { html } from "./html.ts";
import { renderLayout } from "./page-layout.ts";

/** A page with a headline and a sentence: unknown payment links, and failures the payer can only retry. */
export function renderMessagePage(options: {
  title: string;
  headline: string;
  detail: string;
  nonce: string;
}) {
  return renderLayout({
    title: options.title,
    nonce: options.nonce,
    body: html`<main>
<div class="card">
<h1>${options.headline}</h1>
<p>${options.detail}</p>
</div>
</main>`,
  });
}
