import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./esplora-client.ts";

describe("retryDelayMs", () => {
  const middle = () => 0.5;
  it.each([
    ["2", 0, 2000],
    ["0", 3, 0],
    [null, 0, 500],
    [null, 3, 4000],
    ["soon", 1, 1000],
    ["3600", 0, 60_000],
  ])("Retry-After %s on attempt %i waits %i ms", (retryAfter, attempt, expected) => {
    expect(retryDelayMs(retryAfter, attempt, middle)).toBe(expected);
  });

  it("jitters by at most 20%", () => {
    expect(retryDelayMs(null, 0, () => 0)).toBe(400);
    expect(retryDelayMs(null, 0, () => 1)).toBe(600);
  });
});
