import { describe, expect, it } from "vitest";
import { ECHO_WINDOW_MS, judgeSignal } from "./shutdown-signal.ts";

describe("judgeSignal", () => {
  it.each([
    { firstAt: undefined, now: 5_000, verdict: "shutdown" },
    // the same Ctrl-C relayed by pnpm and tsx
    { firstAt: 5_000, now: 5_000, verdict: "echo" },
    { firstAt: 5_000, now: 5_030, verdict: "echo" },
    { firstAt: 5_000, now: 5_000 + ECHO_WINDOW_MS - 1, verdict: "echo" },
    // someone pressing Ctrl-C again
    { firstAt: 5_000, now: 5_000 + ECHO_WINDOW_MS, verdict: "force" },
    { firstAt: 5_000, now: 60_000, verdict: "force" },
  ] as const)("first at $firstAt, this one at $now: $verdict", ({ firstAt, now, verdict }) => {
    expect(judgeSignal(firstAt, now)).toBe(verdict);
  });
});
