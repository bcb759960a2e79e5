import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidAmountError, InvalidRequestError } from "../errors.ts";
import { formatAmount } from "./amount.ts";
import { convertFiatToAsset, parseRate } from "./quote.ts";

describe("parseRate", () => {
  it.each([
    ["3000", 3000n, 0],
    ["1", 1n, 0],
    ["60000.5", 600005n, 1],
    ["0.00001234", 1234n, 8],
    ["1.000", 1000n, 3],
    ["0.1", 1n, 1],
  ])("%s is %s / 10^%i", (text, num, scale) => {
    expect(parseRate(text)).toEqual({ num, scale });
  });

  it.each([
    "0",
    "0.0",
    "0.000000",
    "-1",
    "-0.5",
    "",
    "abc",
    "1e3",
    ".5",
    "5.",
    " 1",
    "1 ",
    "+1",
    "01",
    "1,5",
  ])("rejects %j with invalid_rate", (text) => {
    try {
      parseRate(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).code).toBe("invalid_rate");
      expect((error as InvalidRequestError).param).toBe("rate");
    }
  });
});

describe("convertFiatToAsset", () => {
  it.each([
    // stablecoin at par: exact, no rounding
    ["49.00", "USD", "1", 6, 49_000_000n],
    ["49", "USD", "1", 6, 49_000_000n],
    // 100 / 3000 ETH = 0.0333… -> rounded up at the 18th decimal
    ["100", "USD", "3000", 18, 33_333_333_333_333_334n],
    // 10 / 60000 BTC = 0.000166666… -> 16667 sat
    ["10", "USD", "60000", 8, 16_667n],
    // exact divisions get no +1
    ["3000", "USD", "3000", 18, 10n ** 18n],
    ["30", "USD", "60000", 8, 50_000n],
    ["1.50", "EUR", "0.5", 6, 3_000_000n],
    ["60000.5", "USD", "60000.5", 8, 100_000_000n],
    // fractional rate, the smallest price
    ["0.01", "USD", "60000.5", 8, 17n],
    // zero-decimal currency and zero-decimal asset
    ["1500", "JPY", "150", 0, 10n],
    ["1501", "JPY", "150", 0, 11n],
    // tiny amounts never round to zero
    ["0.01", "USD", "1000000000", 0, 1n],
    ["0.01", "USD", "1000000000", 18, 10_000_000n],
    ["1.234", "KWD", "0.307", 6, 4_019_544n],
  ])("%s %s at %s with %i decimals is %s", (price, currency, rate, assetDecimals, expected) => {
    expect(convertFiatToAsset({ price, currency, rate, assetDecimals })).toBe(expected);
  });

  it("rejects a zero price, a price with too many decimals and an unknown currency", () => {
    expect(() => convertFiatToAsset({ price: "0", currency: "USD", rate: "1", assetDecimals: 6 })).toThrow(
      InvalidAmountError,
    );
    expect(() =>
      convertFiatToAsset({ price: "1.001", currency: "USD", rate: "1", assetDecimals: 6 }),
    ).toThrow(InvalidAmountError);
    expect(() => convertFiatToAsset({ price: "1", currency: "BTC", rate: "1", assetDecimals: 6 })).toThrow(
      "not a supported fiat currency",
    );
  });

  it("rejects a zero or malformed rate", () => {
    expect(() => convertFiatToAsset({ price: "1", currency: "USD", rate: "0", assetDecimals: 6 })).toThrow(
      InvalidRequestError,
    );
    expect(() => convertFiatToAsset({ price: "1", currency: "USD", rate: "-3", assetDecimals: 6 })).toThrow(
      "positive decimal",
    );
  });

  it.each([-1, 37, 1.5])("throws RangeError for asset decimals %s", (assetDecimals) => {
    expect(() => convertFiatToAsset({ price: "1", currency: "USD", rate: "1", assetDecimals })).toThrow(
      RangeError,
    );
  });

  // price = minor / 10^2 USD, rate = num / 10^scale: compare result * rate with price by cross-multiplying
  const cases = fc.record({
    minor: fc.bigInt({ min: 1n, max: 10n ** 15n }),
    num: fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 6n }), fc.bigInt({ min: 1n, max: 10n ** 24n })),
    scale: fc.integer({ min: 0, max: 18 }),
    assetDecimals: fc.integer({ min: 0, max: 36 }),
  });
  const convert = (c: { minor: bigint; num: bigint; scale: number; assetDecimals: number }) =>
    convertFiatToAsset({
      price: formatAmount(c.minor, 2),
      currency: "USD",
      rate: formatAmount(c.num, c.scale),
      assetDecimals: c.assetDecimals,
    });
  // units / 10^d * num / 10^s  vs  minor / 10^2, scaled to integers
  const paidTimes = (units: bigint, c: { num: bigint }) => units * c.num * 10n ** 2n;
  const priceTimes = (c: { minor: bigint; scale: number; assetDecimals: number }) =>
    c.minor * 10n ** BigInt(c.scale + c.assetDecimals);

  it("never asks for less than the price: result * rate >= price", () => {
    fc.assert(
      fc.property(cases, (c) => {
        expect(paidTimes(convert(c), c) >= priceTimes(c)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("rounds up by less than one base unit: (result - 1) * rate < price", () => {
    fc.assert(
      fc.property(cases, (c) => {
        expect(paidTimes(convert(c) - 1n, c) < priceTimes(c)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("is at least one base unit for any positive price", () => {
    fc.assert(
      fc.property(cases, (c) => {
        expect(convert(c) >= 1n).toBe(true);
      }),
    );
  });
});
