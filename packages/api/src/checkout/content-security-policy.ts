import { randomBytes } from "node:crypto";
import type { Response } from "express";

/** 128 bits from the CSPRNG, fresh for every answer: a nonce an attacker could predict protects nothing. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * Nothing loads unless listed: the page's one inline script and style carry the nonce, the QR code is inline
 * SVG, and the only connection is back to this origin for the status. No inline event handlers, no eval, no
 * framing (clickjacking a payment page is an old trick).
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers of every checkout HTML answer: the page shows live state, so nothing may cache it. */
export function setPageHeaders(response: Response, nonce: string): void {
  response.set({
    "Content-Security-Policy": contentSecurityPolicy(nonce),
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
  });
  response.type("html");
}
