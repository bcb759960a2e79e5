import { InvalidArgumentError } from "commander";

/** Commander parser for whole-number options: refuses "1.5", "12abc" and the like with a clear message. */
export function integerOption(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number");
  return Number(value);
}
