import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "./backoff.ts";

describe("backoffDelayMs", () => {
  const policy = { baseMs: 100, maxMs: 1000 };
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1000],
    [50, 1000],
  ])("after %i failures waits about %i ms", (failures, expected) => {
    expect(backoffDelayMs(failures, policy, () => 0.5)).toBe(expected);
    expect(backoffDelayMs(failures, policy, () => 0)).toBe(Math.round(expected * 0.8));
    expect(backoffDelayMs(failures, policy, () => 1)).toBe(Math.round(expected * 1.2));
  });
});
