import { InvalidRequestError } from "../errors.ts";
import { assertDecimals } from "./amount.ts";
import { splitDecimal } from "./decimal.ts";
import { parseFiatPrice } from "./fiat.ts";

/** An exact decimal rate: num / 10^scale fiat units per one whole asset unit. */
export interface Rate {
  num: bigint;
  scale: number;
}

/** Rates keep every digit they come with: truncating one would misprice large payments. */
export function parseRate(text: string): Rate {
  const parts = splitDecimal(text);
  const num = parts ? BigInt(parts.whole + parts.fraction) : 0n;
  if (!parts || num === 0n) {
    throw new InvalidRequestError(
      "invalid_rate",
      'rate must be a positive decimal string such as "3000.25"',
      {
        param: "rate",
      },
    );
  }
  return { num, scale: parts.fraction.length };
}

export interface FiatConversion {
  /** Decimal price in fiat units ("49.00"). */
  price: string;
  /** ISO 4217 code of the price. */
  currency: string;
  /** Fiat units per one whole asset unit ("3000" USD per ETH). */
  rate: string;
  assetDecimals: number;
}

/**
 * price / rate in the asset's base units, rounded up: the customer is never asked for less than the price.
 * units = minor * 10^(scale + decimals) / (num * 10^exponent), all in bigint so nothing is lost on the way.
 */
export function convertFiatToAsset(input: FiatConversion): bigint {
  assertDecimals(input.assetDecimals);
  const { minor, exponent } = parseFiatPrice(input.price, input.currency);
  const { num, scale } = parseRate(input.rate);
  const dividend = minor * 10n ** BigInt(scale + input.assetDecimals);
  const divisor = num * 10n ** BigInt(exponent);
  return (dividend + divisor - 1n) / divisor;
}
