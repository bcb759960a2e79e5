import { parse } from "lossless-json";

/**
 * Provider prices arrive as JSON numbers or strings. They are read as their source text (lossless-json hands
 * every number over as the digits it was written with) and turned into a plain positive decimal string, so a
 * price never passes through a binary float.
 */
export function parseJsonKeepingNumbers(text: string): unknown {
  return parse(text, null, (digits: string) => digits);
}

const number = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** "3000.10" -> "3000.1", "1.5e-7" -> "0.00000015"; null unless a finite, positive decimal. */
export function toPositiveDecimal(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const match = number.exec(value.trim());
  if (!match) return null;
  const [, whole = "", fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 100) return null;
  let digits = `${whole}${fraction}`;
  let point = whole.length + exponent;
  if (point < 0) {
    digits = `${"0".repeat(-point)}${digits}`;
    point = 0;
  }
  if (point > digits.length) digits = digits.padEnd(point, "0");
  const integerPart = digits.slice(0, point).replace(/^0+(?=\d)/, "") || "0";
  const fractionPart = digits.slice(point).replace(/0+$/, "");
  const decimal = fractionPart ? `${integerPart}.${fractionPart}` : integerPart;
  return /[1-9]/.test(decimal) ? decimal : null;
}
