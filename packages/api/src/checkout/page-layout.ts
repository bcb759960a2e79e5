import { html, type SafeHtml, trustedHtml } from "./html.ts";
import { pageStyles } from "./page-styles.ts";

export interface LayoutOptions {
  title: string;
  nonce: string;
  body: SafeHtml;
  /** Inline script source, run under the same nonce. */
  script?: string;
  /** Seconds: reload without JavaScript, so the status still moves when scripts are off. */
  refreshWithoutScript?: number;
}

/** The document around every checkout page: no external resource, no indexing, no referrer leaks. */
export function renderLayout(options: LayoutOptions): string {
  const { nonce } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${options.title}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${trustedHtml(pageStyles)}</style>
${options.refreshWithoutScript !== undefined && html`<noscript><meta http-equiv="refresh" content="${options.refreshWithoutScript}"></noscript>`}
</head>
<body>
${options.body}
${options.script !== undefined && html`<script nonce="${nonce}">${trustedHtml(options.script)}</script>`}
</body>
</html>
`.text;
}
