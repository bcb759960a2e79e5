/** Fiat values in millionths of a unit, exact bigint math: rates and minimums are decimal strings, never floats. */
const MICROS = 6;

function scaled(decimal: string, places: number): bigint {
  if (!/^\d+(\.\d+)?$/.test(decimal)) throw new RangeError(`not a non-negative decimal: ${decimal}`);
  const [whole, fractional = ""] = decimal.split(".");
  if (fractional.length <= places) return BigInt(whole + fractional.padEnd(places, "0"));
  return BigInt(whole + fractional.slice(0, places));
}

/** Value of `units` base units at `rate` (fiat per whole unit), rounded down to a millionth. */
export function fiatMicros(units: bigint, decimals: number, rate: string): bigint {
  const rateScale = 18;
  return (units * scaled(rate, rateScale) * 10n ** BigInt(MICROS)) / 10n ** BigInt(decimals + rateScale);
}

/** `--min` as millionths of the fiat unit. */
export function minMicros(min: string): bigint {
  return scaled(min, MICROS);
}
