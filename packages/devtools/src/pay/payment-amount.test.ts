import { describe, expect, it } from "vitest";
import { amountToPay, InvalidPayAmountError, NothingDueError } from "./payment-amount.ts";

const intent = { id: "pi_1", asset: "USDC", amount_due: "10.000000", amount_received: "0.000000" };

describe("amountToPay", () => {
  it("pays what is still due by default", () => {
    expect(amountToPay(intent, 6, undefined)).toBe(10_000_000n);
    expect(amountToPay({ ...intent, amount_received: "4.500000" }, 6, undefined)).toBe(5_500_000n);
  });

  it("pays the amount given, below or above what is due", () => {
    expect(amountToPay(intent, 6, "2.5")).toBe(2_500_000n);
    expect(amountToPay(intent, 6, "12")).toBe(12_000_000n);
    expect(amountToPay({ ...intent, amount_received: "10.000000" }, 6, "0.000001")).toBe(1n);
  });

  it("refuses when nothing is due and no amount is given", () => {
    expect(() => amountToPay({ ...intent, amount_received: "10.000000" }, 6, undefined)).toThrow(
      NothingDueError,
    );
    expect(() => amountToPay({ ...intent, amount_received: "11.000000" }, 6, undefined)).toThrow(
      /received 11\.000000 of 10\.000000 USDC: nothing is due/,
    );
  });

  it.each(["0", "0.000", "-1", "1e3", "abc", "1.0000001", " 1", ""])("refuses --amount %j", (amount) => {
    expect(() => amountToPay(intent, 6, amount)).toThrow(InvalidPayAmountError);
  });
});
