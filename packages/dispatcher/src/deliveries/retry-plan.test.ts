import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parseRetryAfter, planNextAttempt, type RetryPolicy } from "./retry-plan.ts";

const policy: RetryPolicy = {
  scheduleSeconds: [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400],
  throttledFloorMs: 60_000,
  jitter: 0.2,
};
const middle = () => 0.5; // no jitter
const status = (statusCode: number, retryAfterSeconds?: number) => ({
  kind: "response" as const,
  statusCode,
  retryAfterSeconds,
});

describe("planNextAttempt", () => {
  test.each([
    ["200 succeeds", status(200), 1, false, { kind: "succeeded" }],
    ["204 succeeds", status(204), 3, false, { kind: "succeeded" }],
    ["500 retries after the first scheduled delay", status(500), 1, false, { kind: "retry", delayMs: 5_000 }],
    ["302 is a failure, not followed", status(302), 2, false, { kind: "retry", delayMs: 300_000 }],
    ["connection error retries", { kind: "error" as const }, 2, false, { kind: "retry", delayMs: 300_000 }],
    [
      "timeout waits at least 60 s",
      { kind: "timeout" as const },
      1,
      false,
      { kind: "retry", delayMs: 60_000 },
    ],
    ["429 waits at least 60 s", status(429), 1, false, { kind: "retry", delayMs: 60_000 }],
    ["502 waits at least 60 s", status(502), 1, false, { kind: "retry", delayMs: 60_000 }],
    ["504 waits at least 60 s", status(504), 1, false, { kind: "retry", delayMs: 60_000 }],
    ["503 does not get the floor", status(503), 1, false, { kind: "retry", delayMs: 5_000 }],
    ["the floor never shortens a longer delay", status(429), 3, false, { kind: "retry", delayMs: 1_800_000 }],
    [
      "Retry-After inside the clamp is honoured",
      status(503, 450),
      2,
      false,
      { kind: "retry", delayMs: 450_000 },
    ],
    [
      "Retry-After below the schedule is raised",
      status(503, 1),
      2,
      false,
      { kind: "retry", delayMs: 300_000 },
    ],
    ["Retry-After above 2x is clamped", status(503, 100_000), 2, false, { kind: "retry", delayMs: 600_000 }],
    [
      "429 with a short Retry-After still waits 60 s",
      status(429, 2),
      1,
      false,
      { kind: "retry", delayMs: 60_000 },
    ],
    ["410 disables the endpoint", status(410), 1, false, { kind: "gone" }],
    ["the 10th attempt is the last", status(500), 10, false, { kind: "failed", reason: "exhausted" }],
    ["the 9th still retries after 24 h", status(500), 9, false, { kind: "retry", delayMs: 86_400_000 }],
    ["a failed manual resend is not retried", status(500), 1, true, { kind: "failed", reason: "manual" }],
    ["a manual 410 still disables", status(410), 1, true, { kind: "gone" }],
  ])("%s", (_name, outcome, attempt, manual, expected) => {
    expect(planNextAttempt(outcome, attempt, manual, policy, middle)).toEqual(expected);
  });

  test("jitter stays within +-20% of the scheduled delay", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: policy.scheduleSeconds.length }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, random) => {
          const verdict = planNextAttempt(status(500), attempt, false, policy, () => random);
          const scheduledMs = policy.scheduleSeconds[attempt - 1]! * 1000;
          expect(verdict.kind).toBe("retry");
          if (verdict.kind !== "retry") return;
          expect(verdict.delayMs).toBeGreaterThanOrEqual(Math.floor(scheduledMs * 0.8));
          expect(verdict.delayMs).toBeLessThanOrEqual(Math.ceil(scheduledMs * 1.2));
        },
      ),
    );
  });

  test("Retry-After lands in [jittered delay, 2 x jittered delay], and throttling adds the floor", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: policy.scheduleSeconds.length }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 400_000 }),
        fc.constantFrom(429, 500, 502, 503, 504),
        (attempt, random, retryAfter, statusCode) => {
          const base = planNextAttempt(status(500), attempt, false, policy, () => random);
          const verdict = planNextAttempt(
            status(statusCode, retryAfter),
            attempt,
            false,
            policy,
            () => random,
          );
          if (base.kind !== "retry" || verdict.kind !== "retry") throw new Error("expected retries");
          const throttled = [429, 502, 504].includes(statusCode);
          const low = throttled ? Math.max(base.delayMs, policy.throttledFloorMs) : base.delayMs;
          const high = Math.max(2 * base.delayMs, throttled ? policy.throttledFloorMs : 0);
          expect(verdict.delayMs).toBeGreaterThanOrEqual(low - 1);
          expect(verdict.delayMs).toBeLessThanOrEqual(high + 1);
        },
      ),
    );
  });

  test("a shortened schedule (WEBHOOK_RETRY_SCHEDULE) sets the number of attempts", () => {
    const short = { ...policy, scheduleSeconds: [0.1, 0.2] };
    expect(planNextAttempt(status(500), 1, false, short, middle)).toEqual({ kind: "retry", delayMs: 100 });
    expect(planNextAttempt(status(500), 2, false, short, middle)).toEqual({ kind: "retry", delayMs: 200 });
    expect(planNextAttempt(status(500), 3, false, short, middle)).toEqual({
      kind: "failed",
      reason: "exhausted",
    });
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  test.each([
    ["120", 120],
    [" 7 ", 7],
    ["Thu, 01 Jan 2026 00:02:00 GMT", 120],
    ["Wed, 31 Dec 2025 23:00:00 GMT", 0],
    ["soon", undefined],
    ["-5", undefined],
    ["1.5", undefined],
    [undefined, undefined],
  ])("%s -> %s", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
