/**
 * "0.500000000000000000" -> "0.5": the same exact value without the trailing fractional zeros the API pads
 * to the asset's decimals, so a payer reads and copies the shortest exact amount. String work only: an amount
 * never passes through a JS number.
 */
export function displayAmount(amount: string): string {
  if (!amount.includes(".")) return amount;
  return amount.replace(/0+$/, "").replace(/\.$/, "");
}

/** "0", "0.000000": a decimal string with no nonzero digit. */
export function isZeroAmount(amount: string): boolean {
  return !/[1-9]/.test(amount);
}
