import { describe, expect, it } from "vitest";
import { InvalidAmountError, InvalidRequestError } from "../errors.ts";
import { fiatCurrencies, isFiatCurrency, parseFiatPrice } from "./fiat.ts";

describe("fiatCurrencies", () => {
  it.each([
    ["USD", 2],
    ["EUR", 2],
    ["GBP", 2],
    ["CHF", 2],
    ["CAD", 2],
    ["AUD", 2],
    ["JPY", 0],
    ["KRW", 0],
    ["BRL", 2],
    ["INR", 2],
    ["MXN", 2],
    ["SEK", 2],
    ["NOK", 2],
    ["DKK", 2],
    ["PLN", 2],
    ["CZK", 2],
    ["SGD", 2],
    ["HKD", 2],
    ["NZD", 2],
    ["ZAR", 2],
    ["TRY", 2],
    ["CLP", 0],
    ["ISK", 0],
    ["VND", 0],
    ["KWD", 3],
    ["BHD", 3],
  ])("%s has %i minor digits (ISO 4217)", (code, exponent) => {
    expect(isFiatCurrency(code)).toBe(true);
    expect(fiatCurrencies[code as keyof typeof fiatCurrencies]).toBe(exponent);
  });

  it("only lists upper-case three-letter codes with 0, 2 or 3 minor digits", () => {
    for (const [code, exponent] of Object.entries(fiatCurrencies)) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3]).toContain(exponent);
    }
  });
});

describe("isFiatCurrency", () => {
  it.each(["usd", "Usd", "BTC", "ETH", "USDC", "XXX", "", "US", "constructor", "toString", "__proto__"])(
    "%j is not a fiat currency",
    (code) => {
      expect(isFiatCurrency(code)).toBe(false);
    },
  );
});

describe("parseFiatPrice", () => {
  it.each([
    ["49", "USD", 4900n, 2],
    ["49.0", "USD", 4900n, 2],
    ["49.00", "USD", 4900n, 2],
    ["49.99", "USD", 4999n, 2],
    ["0.01", "EUR", 1n, 2],
    ["1500", "JPY", 1500n, 0],
    ["1000000000000", "KRW", 1_000_000_000_000n, 0],
    ["1.234", "KWD", 1234n, 3],
  ])("%s %s is %s minor units at exponent %i", (text, currency, minor, exponent) => {
    expect(parseFiatPrice(text, currency)).toEqual({ minor, exponent });
  });

  it.each([
    ["49.001", "USD", "at most 2"],
    ["0.001", "EUR", "at most 2"],
    ["1500.5", "JPY", "whole number"],
    ["1500.0", "JPY", "whole number"],
    ["1.2345", "KWD", "at most 3"],
  ])("rejects %s %s: more decimals than the currency has (%s)", (text, currency, fragment) => {
    const call = () => parseFiatPrice(text, currency);
    expect(call).toThrow(InvalidAmountError);
    expect(call).toThrow(fragment);
  });

  it.each(["0", "0.0", "0.00"])("rejects a zero price %j", (text) => {
    try {
      parseFiatPrice(text, "USD");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidAmountError);
      expect((error as InvalidAmountError).code).toBe("invalid_amount");
      expect((error as InvalidAmountError).message).toContain("greater than zero");
    }
  });

  it.each(["-1", "1e2", ".5", "5.", "", " 5", "1,00", "049"])("rejects malformed %j", (text) => {
    expect(() => parseFiatPrice(text, "USD")).toThrow(InvalidAmountError);
  });

  it.each(["usd", "BTC", "XYZ", "constructor"])(
    "rejects currency %j with currency_not_supported",
    (currency) => {
      try {
        parseFiatPrice("1", currency);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidRequestError);
        expect(error).not.toBeInstanceOf(InvalidAmountError);
        expect((error as InvalidRequestError).code).toBe("currency_not_supported");
        expect((error as InvalidRequestError).param).toBe("currency");
      }
    },
  );
});
