export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Exponential backoff with +-20% jitter, so several watchers do not hammer a recovering node in step. */
export function backoffDelayMs(
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}
