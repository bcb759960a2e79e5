/**
 * The one grammar for decimal strings at the edges (amounts, prices, rates): digits, optionally a point and
 * more digits. Like a JSON number without sign or exponent: no leading zeros ("007", "00.5"), so a value has
 * a single integer spelling and nothing can be read as octal or padded to look larger.
 */
const DECIMAL = /^(0|[1-9]\d*)(?:\.(\d+))?$/;

export interface DecimalParts {
  whole: string;
  fraction: string;
}

/** Splits a well-formed decimal string; undefined for anything else (including non-strings from JSON). */
export function splitDecimal(text: unknown): DecimalParts | undefined {
  if (typeof text !== "string") return undefined;
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  return { whole: match[1]!, fraction: match[2] ?? "" };
}
