import { describe, expect, it } from "vitest";
import { formatCountdown } from "./countdown.ts";

describe("formatCountdown", () => {
  it.each([
    [900_000, "15:00"],
    [899_001, "15:00"],
    [59_000, "0:59"],
    [3_723_000, "1:02:03"],
    [0, "0:00"],
    [-5_000, "0:00"],
  ])("%d ms -> %s", (remainingMs, text) => {
    expect(formatCountdown(remainingMs)).toBe(text);
  });
});
