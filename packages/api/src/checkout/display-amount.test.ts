import { describe, expect, it } from "vitest";
import { displayAmount, isZeroAmount } from "./display-amount.ts";

describe("displayAmount", () => {
  it.each([
    ["0.500000000000000000", "0.5"],
    ["49.000000", "49"],
    ["0.00037655", "0.00037655"],
    ["100", "100"],
    ["10.10", "10.1"],
    ["0.000000", "0"],
    [
      "123456789012345678901234567890.000000000000000001",
      "123456789012345678901234567890.000000000000000001",
    ],
  ])("%s -> %s", (amount, shown) => {
    expect(displayAmount(amount)).toBe(shown);
  });

  it("tells zero amounts apart whatever their padding", () => {
    expect(["0", "0.000000", "0.0"].map(isZeroAmount)).toEqual([true, true, true]);
    expect(["0.000001", "10", "1.0"].map(isZeroAmount)).toEqual([false, false, false]);
  });
});
