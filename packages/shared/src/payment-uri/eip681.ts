const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export interface Eip681Input {
  chainId: number;
  /** The recipient (the deposit address). */
  to: `0x${string}`;
  /** Base units: wei for the native coin, token units for an ERC-20. */
  amount: bigint;
  /** ERC-20 contract; absent for the native coin. */
  token?: `0x${string}`;
}

function assertAddress(name: string, value: string): void {
  if (!ADDRESS.test(value))
    throw new RangeError(`${name} must be a 0x-prefixed 20-byte address, got ${value}`);
}

/**
 * EIP-681 payment request. Native: `ethereum:TO@CHAIN?value=WEI`; ERC-20: a `transfer` call on the token,
 * `ethereum:TOKEN@CHAIN/transfer?address=TO&uint256=UNITS`. Amounts are plain integers: bigint's toString never
 * writes an exponent, and some wallets misread "1e18".
 */
export function eip681Uri(input: Eip681Input): string {
  if (!Number.isSafeInteger(input.chainId) || input.chainId <= 0) {
    throw new RangeError(`chainId must be a positive integer, got ${input.chainId}`);
  }
  if (input.amount < 0n) throw new RangeError(`amount must not be negative, got ${input.amount}`);
  assertAddress("to", input.to);
  if (input.token === undefined) return `ethereum:${input.to}@${input.chainId}?value=${input.amount}`;
  assertAddress("token", input.token);
  return `ethereum:${input.token}@${input.chainId}/transfer?address=${input.to}&uint256=${input.amount}`;
}
