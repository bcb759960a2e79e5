import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidAmountError } from "../errors.ts";
import { formatAmount, MAX_DECIMALS, parseAmount } from "./amount.ts";

const decimalsArb = fc.integer({ min: 0, max: MAX_DECIMALS });
// up to ~2^400: far beyond uint256, so nothing relies on fitting in 64 or 256 bits
const unitsArb = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 2n ** 400n }));

function invalidAmount(fn: () => unknown): InvalidAmountError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAmountError);
    return error as InvalidAmountError;
  }
  throw new Error("expected an InvalidAmountError");
}

describe("parseAmount", () => {
  it.each([
    ["49", 6, 49_000_000n],
    ["49.0", 6, 49_000_000n],
    ["49.000000", 6, 49_000_000n],
    ["49.5", 6, 49_500_000n],
    ["0", 6, 0n],
    ["0.0", 6, 0n],
    ["0.000001", 6, 1n],
    ["0.000000000000000001", 18, 1n],
    ["1", 18, 1_000_000_000_000_000_000n],
    ["12", 0, 12n],
    ["0", 0, 0n],
    ["0.00050000", 8, 50_000n],
    ["21000000.00000000", 8, 2_100_000_000_000_000n],
    ["115792089237316195423570985008687907853269984665640564039457.584007913129639935", 18, 2n ** 256n - 1n],
    ["1.000000000000000000000000000000000001", 36, 10n ** 36n + 1n],
  ])("%s at %i decimals is %s", (text, decimals, units) => {
    expect(parseAmount(text, decimals)).toBe(units);
  });

  it.each([
    ["empty", ""],
    ["space", " "],
    ["leading space", " 1"],
    ["trailing space", "1 "],
    ["trailing newline", "1\n"],
    ["inner space", "1 000"],
    ["negative", "-1"],
    ["negative zero", "-0"],
    ["plus sign", "+1"],
    ["exponent", "1e5"],
    ["upper exponent", "1E5"],
    ["fraction exponent", "1.5e-3"],
    ["bare fraction", ".5"],
    ["trailing point", "5."],
    ["lone point", "."],
    ["two points", "1.2.3"],
    ["underscore", "1_000"],
    ["comma thousands", "1,000"],
    ["comma decimal", "1,5"],
    ["hex", "0x10"],
    ["leading zeros", "007"],
    ["leading zero before point", "00.5"],
    ["leading zero one", "01"],
    ["NaN", "NaN"],
    ["Infinity", "Infinity"],
    ["fullwidth digit", "１"],
    ["arabic-indic digit", "٣"],
    ["letters", "abc"],
    ["currency sign", "$5"],
  ])("rejects %s (%j)", (_name, text) => {
    const error = invalidAmount(() => parseAmount(text, 6));
    expect(error.code).toBe("invalid_amount");
    expect(error.param).toBe("amount");
    expect(error.message).toContain("decimal string");
  });

  it.each([
    ["number", 5],
    ["null", null],
    ["undefined", undefined],
    ["bigint", 5n],
    ["object", { amount: "5" }],
  ])("rejects a non-string %s (from untyped JSON)", (_name, value) => {
    invalidAmount(() => parseAmount(value as unknown as string, 6));
  });

  it.each([
    ["1.1234567", 6, "at most 6"],
    ["0.0000001", 6, "at most 6"],
    ["1.0000000", 6, "at most 6"],
    ["0.0000000000000000001", 18, "at most 18"],
    ["1.55", 1, "at most 1"],
    ["1.0", 0, "whole number"],
    ["1.5", 0, "whole number"],
  ])("rejects %s at %i decimals without rounding (%s)", (text, decimals, fragment) => {
    const error = invalidAmount(() => parseAmount(text, decimals));
    expect(error.message).toContain(fragment);
  });

  it("names the caller's parameter", () => {
    const error = invalidAmount(() => parseAmount("x", 6, "price.amount"));
    expect(error.param).toBe("price.amount");
    expect(error.message).toMatch(/^price\.amount /);
  });

  it.each([-1, 37, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "throws RangeError for decimals %s",
    (decimals) => {
      expect(() => parseAmount("1", decimals)).toThrow(RangeError);
    },
  );

  it("agrees with whole * 10^d + fraction * 10^(d - len) for every well-formed input", () => {
    const digits = (min: number, max: number) =>
      fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
    fc.assert(
      fc.property(
        decimalsArb,
        fc.bigInt({ min: 0n, max: 10n ** 60n }),
        digits(0, 36),
        (decimals, whole, frac) => {
          const fraction = frac.slice(0, decimals);
          const text = fraction === "" ? `${whole}` : `${whole}.${fraction}`;
          const expected =
            whole * 10n ** BigInt(decimals) +
            (fraction === "" ? 0n : BigInt(fraction) * 10n ** BigInt(decimals - fraction.length));
          expect(parseAmount(text, decimals)).toBe(expected);
        },
      ),
    );
  });
});

describe("formatAmount", () => {
  it.each([
    [49_000_000n, 6, "49.000000"],
    [1n, 18, "0.000000000000000001"],
    [0n, 18, "0.000000000000000000"],
    [12n, 0, "12"],
    [0n, 0, "0"],
    [50_000n, 8, "0.00050000"],
    [123_456_789n, 8, "1.23456789"],
    [2n ** 256n - 1n, 18, "115792089237316195423570985008687907853269984665640564039457.584007913129639935"],
    [1n, 36, "0.000000000000000000000000000000000001"],
  ])("%s at %i decimals is %s", (units, decimals, text) => {
    expect(formatAmount(units, decimals)).toBe(text);
  });

  it("throws RangeError for negative units (a programming error, not input)", () => {
    expect(() => formatAmount(-1n, 6)).toThrow(RangeError);
  });

  it.each([-1, 37, 2.5, Number.NaN])("throws RangeError for decimals %s", (decimals) => {
    expect(() => formatAmount(1n, decimals)).toThrow(RangeError);
  });

  it("always has exactly `decimals` fractional digits and a canonical integer part", () => {
    fc.assert(
      fc.property(unitsArb, decimalsArb, (units, decimals) => {
        const text = formatAmount(units, decimals);
        const pattern = decimals === 0 ? /^(0|[1-9]\d*)$/ : new RegExp(`^(0|[1-9]\\d*)\\.\\d{${decimals}}$`);
        expect(text).toMatch(pattern);
      }),
    );
  });
});

describe("round trip", () => {
  it("parseAmount(formatAmount(x)) === x", () => {
    fc.assert(
      fc.property(unitsArb, decimalsArb, (units, decimals) => {
        expect(parseAmount(formatAmount(units, decimals), decimals)).toBe(units);
      }),
    );
  });

  it("formatAmount(parseAmount(s)) is s padded to `decimals` fractional digits", () => {
    fc.assert(
      fc.property(unitsArb, decimalsArb, fc.nat({ max: MAX_DECIMALS }), (units, decimals, trim) => {
        // build a valid input with fewer fractional digits by trimming zeros the formatter would add
        const full = formatAmount(units, decimals);
        const shortened = full.includes(".") ? full.replace(new RegExp(`0{0,${trim}}$`), "") : full;
        const text = shortened.endsWith(".") ? shortened.slice(0, -1) : shortened;
        expect(formatAmount(parseAmount(text, decimals), decimals)).toBe(full);
      }),
    );
  });
});
