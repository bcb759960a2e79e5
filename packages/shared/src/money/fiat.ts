import { InvalidAmountError, InvalidRequestError } from "../errors.ts";
import { parseAmount } from "./amount.ts";

/** ISO 4217 minor units (decimal places) of the fiat currencies prices may be quoted in. */
export const fiatCurrencies = {
  AED: 2,
  ARS: 2,
  AUD: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  COP: 2,
  CZK: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  ISK: 0,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  MXN: 2,
  MYR: 2,
  NGN: 2,
  NOK: 2,
  NZD: 2,
  PHP: 2,
  PLN: 2,
  RON: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TRY: 2,
  TWD: 2,
  UAH: 2,
  USD: 2,
  VND: 0,
  ZAR: 2,
} as const satisfies Record<string, number>;

export type FiatCurrency = keyof typeof fiatCurrencies;

/** Upper-case ISO codes only; hasOwn keeps "constructor" and friends out. */
export function isFiatCurrency(code: string): code is FiatCurrency {
  return Object.hasOwn(fiatCurrencies, code);
}

/** A fiat price in minor units: 49.00 USD is { minor: 4900n, exponent: 2 }. */
export interface FiatPrice {
  minor: bigint;
  exponent: number;
}

/** Parses a positive price with no more decimals than the currency has ("49.001" USD is refused, not rounded). */
export function parseFiatPrice(text: string, currency: string): FiatPrice {
  if (!isFiatCurrency(currency)) {
    throw new InvalidRequestError("currency_not_supported", `${currency} is not a supported fiat currency`, {
      param: "currency",
    });
  }
  const exponent = fiatCurrencies[currency];
  const minor = parseAmount(text, exponent);
  if (minor === 0n) throw new InvalidAmountError("amount must be greater than zero");
  return { minor, exponent };
}
