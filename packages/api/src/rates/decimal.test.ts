import { describe, expect, it } from "vitest";
import { parseJsonKeepingNumbers, toPositiveDecimal } from "./decimal.ts";

describe("toPositiveDecimal", () => {
  it.each([
    ["3000", "3000"],
    ["3000.10", "3000.1"],
    ["0.000012", "0.000012"],
    ["1.5e-7", "0.00000015"],
    ["1.5E+3", "1500"],
    ["12e2", "1200"],
    ["007.50", "7.5"],
    ["67187.33580000000000000001", "67187.33580000000000000001"],
  ])("%s -> %s", (input, expected) => {
    expect(toPositiveDecimal(input)).toBe(expected);
  });

  it.each([["0"], ["0.000"], ["-1"], ["abc"], [""], ["1e999"], ["NaN"], ["1.2.3"]])("rejects %s", (input) => {
    expect(toPositiveDecimal(input)).toBeNull();
  });

  it("rejects non-strings", () => {
    expect(toPositiveDecimal(3000)).toBeNull();
    expect(toPositiveDecimal(null)).toBeNull();
  });
});

describe("parseJsonKeepingNumbers", () => {
  it("keeps every digit a float would lose", () => {
    const parsed = parseJsonKeepingNumbers('{"bitcoin":{"usd":67187.335800000000000000001}}') as {
      bitcoin: { usd: string };
    };
    expect(parsed.bitcoin.usd).toBe("67187.335800000000000000001");
  });
});
