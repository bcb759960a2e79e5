/** Bitcoin amounts in a BIP21 URI are decimal BTC with at most 8 decimals, no exponent. */
const BTC_AMOUNT = /^(0|[1-9]\d*)(\.\d{1,8})?$/;
/** Base58 and bech32(m) addresses are alphanumeric; anything else could smuggle in URI syntax. */
const ADDRESS = /^[a-zA-Z0-9]+$/;

export interface Bip21Input {
  address: string;
  /** Decimal BTC ("0.00050000"); trailing zeros are trimmed in the URI. */
  amount?: string;
  label?: string;
  message?: string;
}

/** RFC 3986: encodeURIComponent leaves !'()* alone; encoding them too keeps strict wallet parsers happy. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** "0.00050000" -> "0.0005", "1.00000000" -> "1": the shortest spelling of the same number. */
function trimAmount(amount: string): string {
  if (!BTC_AMOUNT.test(amount)) {
    throw new RangeError(
      `BIP21 amount must be decimal BTC with at most 8 decimals, got ${JSON.stringify(amount)}`,
    );
  }
  return amount.includes(".") ? amount.replace(/0+$/, "").replace(/\.$/, "") : amount;
}

/** `bitcoin:ADDRESS?amount=…&label=…&message=…` (BIP21); the address is kept exactly as given. */
export function bip21Uri(input: Bip21Input): string {
  if (!ADDRESS.test(input.address))
    throw new RangeError(`not a Bitcoin address: ${JSON.stringify(input.address)}`);
  const params: string[] = [];
  if (input.amount !== undefined) params.push(`amount=${trimAmount(input.amount)}`);
  if (input.label !== undefined) params.push(`label=${encode(input.label)}`);
  if (input.message !== undefined) params.push(`message=${encode(input.message)}`);
  return params.length === 0 ? `bitcoin:${input.address}` : `bitcoin:${input.address}?${params.join("&")}`;
}
