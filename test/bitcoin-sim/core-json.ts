/** An amount Core writes as a JSON number with exactly eight decimals (`ValueFromAmount`: 0.00100000). */
export class BtcAmount {
  constructor(readonly sats: bigint) {}

  toString(): string {
    const sign = this.sats < 0n ? "-" : "";
    const magnitude = this.sats < 0n ? -this.sats : this.sats;
    return `${sign}${magnitude / 100_000_000n}.${(magnitude % 100_000_000n).toString().padStart(8, "0")}`;
  }
}

export const btc = (sats: bigint) => new BtcAmount(sats);

/** Core's UniValue writes floats with 16 significant digits (difficulty 4.656542373906925e-10). */
export const coreFloat = (value: number) => Number(value.toPrecision(16));

/** JSON text as Core's UniValue writes it: compact, amounts with eight decimals, undefined members left out. */
export function encodeCoreJson(value: unknown): string {
  if (value instanceof BtcAmount) return value.toString();
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(encodeCoreJson).join(",")}]`;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "object") {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => `${JSON.stringify(key)}:${encodeCoreJson(member)}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value);
}
