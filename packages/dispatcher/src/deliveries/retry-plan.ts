/**
 * What happens after an attempt (contract section 4), decided without I/O so it can be tested with tables and
 * properties. Retry n waits `schedule[n-1]` seconds +-20% jitter; after a timeout, 429, 502 or 504 it waits at
 * least the throttle floor (60 s in production); a `Retry-After` is honoured but clamped to
 * [scheduled delay, 2 x scheduled delay]; 410 Gone disables the endpoint; a manual resend is never retried.
 */
export type AttemptOutcome =
  | { kind: "response"; statusCode: number; retryAfterSeconds?: number }
  | { kind: "timeout" }
  | { kind: "error" };

export type Verdict =
  | { kind: "succeeded" }
  | { kind: "retry"; delayMs: number }
  | { kind: "failed"; reason: "exhausted" | "manual" }
  | { kind: "gone" };

export interface RetryPolicy {
  /** Delays before attempts 2, 3, ... in seconds; its length + 1 is the number of attempts. */
  scheduleSeconds: readonly number[];
  /** The least wait after a timeout, 429, 502 or 504 (contract: 60 s). */
  throttledFloorMs: number;
  /** Relative jitter, 0.2 for +-20%. */
  jitter: number;
}

const THROTTLING_STATUSES = new Set([429, 502, 504]);

export function planNextAttempt(
  outcome: AttemptOutcome,
  /** 1 for the first attempt. */
  attempt: number,
  manual: boolean,
  policy: RetryPolicy,
  /** Uniform in [0, 1). */
  random: () => number,
): Verdict {
  if (outcome.kind === "response" && outcome.statusCode >= 200 && outcome.statusCode < 300)
    return { kind: "succeeded" };
  if (outcome.kind === "response" && outcome.statusCode === 410) return { kind: "gone" };
  if (manual) return { kind: "failed", reason: "manual" };
  const scheduled = policy.scheduleSeconds[attempt - 1];
  if (scheduled === undefined) return { kind: "failed", reason: "exhausted" };
  let delayMs = scheduled * 1000 * (1 + policy.jitter * (2 * random() - 1));
  if (outcome.kind === "response" && outcome.retryAfterSeconds !== undefined) {
    delayMs = Math.min(Math.max(outcome.retryAfterSeconds * 1000, delayMs), 2 * delayMs);
  }
  const throttled =
    outcome.kind === "timeout" ||
    (outcome.kind === "response" && THROTTLING_STATUSES.has(outcome.statusCode));
  if (throttled) delayMs = Math.max(delayMs, policy.throttledFloorMs);
  return { kind: "retry", delayMs: Math.round(delayMs) };
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 section 10.2.3); anything else is ignored. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date) || !/[a-z]/i.test(trimmed)) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}
