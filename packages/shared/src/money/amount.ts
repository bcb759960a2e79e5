import { InvalidAmountError } from "../errors.ts";
import { splitDecimal } from "./decimal.ts";

/** Largest supported asset precision (ERC-20 tokens may declare up to 255; real ones stay far below 36). */
export const MAX_DECIMALS = 36;

export function assertDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new RangeError(`decimals must be an integer from 0 to ${MAX_DECIMALS}, got ${decimals}`);
  }
}

/**
 * Decimal string in asset units -> base units, exactly. Extra fractional digits are an error, never rounded:
 * silently dropping them would change what the caller asked for. Zero is accepted; callers decide positivity.
 */
export function parseAmount(text: string, decimals: number, param = "amount"): bigint {
  assertDecimals(decimals);
  const parts = splitDecimal(text);
  if (!parts) {
    throw new InvalidAmountError(
      `${param} must be a decimal string such as "49.99": digits, optionally a point and more digits, no sign, exponent or leading zeros`,
      param,
    );
  }
  if (parts.fraction.length > decimals) {
    throw new InvalidAmountError(
      decimals === 0
        ? `${param} must be a whole number: this asset has no decimal places`
        : `${param} has ${parts.fraction.length} decimal places; at most ${decimals} are allowed`,
      param,
    );
  }
  return BigInt(parts.whole + parts.fraction.padEnd(decimals, "0"));
}

/** Base units -> decimal string with exactly `decimals` fractional digits ("49.000000"), the API's amount form. */
export function formatAmount(units: bigint, decimals: number): string {
  assertDecimals(decimals);
  if (units < 0n) throw new RangeError(`amounts are never negative, got ${units}`);
  if (decimals === 0) return units.toString();
  const digits = units.toString().padStart(decimals + 1, "0");
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
