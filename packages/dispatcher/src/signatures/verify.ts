import { timingSafeEqual } from "node:crypto";
import { signWebhook } from "./sign.ts";

export type WebhookHeaders = Record<string, string | string[] | undefined>;

export class WebhookVerificationError extends Error {
  override name = "WebhookVerificationError";
  constructor(
    readonly code:
      | "missing_headers"
      | "invalid_timestamp"
      | "timestamp_out_of_tolerance"
      | "no_matching_signature",
    message: string,
  ) {
    super(message);
  }
}

/**
 * For merchants: checks a paygate webhook the way the `standardwebhooks` package does and returns the parsed
 * event. `body` must be the raw request body, byte for byte (parse JSON only after this). Pass every secret you
 * accept (for example both during a rotation). Timestamps further than `toleranceSeconds` (default 5 min) from
 * now are refused, which stops replays of captured requests.
 */
export function verifyWebhook(
  body: string,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: { toleranceSeconds?: number; now?: Date } = {},
): unknown {
  const id = header(headers, "webhook-id");
  const timestampText = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestampText || !signatures) {
    throw new WebhookVerificationError(
      "missing_headers",
      "missing webhook-id, webhook-timestamp or webhook-signature header",
    );
  }
  if (!/^\d+$/.test(timestampText)) {
    throw new WebhookVerificationError("invalid_timestamp", "webhook-timestamp is not unix seconds");
  }
  const timestamp = Number(timestampText);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - timestamp) > tolerance) {
    throw new WebhookVerificationError(
      "timestamp_out_of_tolerance",
      `webhook-timestamp is more than ${tolerance} s away from now`,
    );
  }
  const offered = signatures.split(" ").map((entry) => Buffer.from(entry));
  for (const candidate of typeof secret === "string" ? [secret] : secret) {
    const expected = Buffer.from(signWebhook(candidate, id, timestamp, body));
    if (
      offered.some(
        (signature) => signature.length === expected.length && timingSafeEqual(signature, expected),
      )
    ) {
      return JSON.parse(body);
    }
  }
  throw new WebhookVerificationError("no_matching_signature", "no webhook-signature matches the secret");
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
