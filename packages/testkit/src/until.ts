import { setTimeout as delay } from "node:timers/promises";
import { inspect } from "node:util";

export interface UntilOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Says what was awaited; it leads the timeout error. */
  message?: string;
}

/**
 * Polls `probe` until it returns a truthy value and returns that value. A probe that throws counts as
 * "not yet"; the last value or error is reported if the deadline passes. A probe that hangs cannot
 * hold the caller past the deadline.
 */
export async function until<T>(
  probe: () => T | Promise<T>,
  options: UntilOptions = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 25, message = "condition" } = options;
  const deadline = Date.now() + timeoutMs;
  let last: Outcome<T> | undefined;
  for (;;) {
    const remaining = deadline - Date.now();
    const outcome = await withDeadline(probe, remaining);
    if (outcome === timedOut) break;
    if ("value" in outcome && outcome.value) return outcome.value as NonNullable<T>;
    last = outcome;
    if (Date.now() + intervalMs >= deadline) break;
    await delay(intervalMs);
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}; ${describe(last)}`);
}

const timedOut = Symbol("timedOut");

type Outcome<T> = { value: T } | { error: unknown };

async function withDeadline<T>(
  probe: () => T | Promise<T>,
  remainingMs: number,
): Promise<Outcome<T> | typeof timedOut> {
  if (remainingMs <= 0) return timedOut;
  const abort = new AbortController();
  const attempt = (async (): Promise<Outcome<T>> => {
    try {
      return { value: await probe() };
    } catch (error) {
      return { error };
    }
  })();
  const expiry = delay(remainingMs, undefined, { signal: abort.signal }).then(
    (): typeof timedOut => timedOut,
    (): typeof timedOut => timedOut,
  );
  try {
    return await Promise.race([attempt, expiry]);
  } finally {
    abort.abort();
  }
}

function describe(last: Outcome<unknown> | undefined): string {
  if (last === undefined) return "the probe never finished";
  if ("error" in last) return `last probe threw: ${inspect(last.error, { depth: 3 })}`;
  return `last probe returned: ${inspect(last.value, { depth: 3 })}`;
}
