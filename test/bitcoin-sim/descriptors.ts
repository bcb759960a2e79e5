import { coreScriptType, scriptAddress } from "./scripts.ts";

const INPUT_CHARSET =
  "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
const CHECKSUM_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn];

function polymod(symbols: number[]): bigint {
  let checksum = 1n;
  for (const value of symbols) {
    const top = checksum >> 35n;
    checksum = ((checksum & 0x7ffffffffn) << 5n) ^ BigInt(value);
    GENERATOR.forEach((generator, index) => {
      if ((top >> BigInt(index)) & 1n) checksum ^= generator;
    });
  }
  return checksum;
}

/** A descriptor with its BIP380 checksum appended (`…#xxxxxxxx`). */
export function withChecksum(descriptor: string): string {
  const symbols: number[] = [];
  const groups: number[] = [];
  for (const character of descriptor) {
    const position = INPUT_CHARSET.indexOf(character);
    if (position < 0) throw new Error(`character ${character} cannot appear in a descriptor`);
    symbols.push(position & 31);
    groups.push(position >> 5);
    if (groups.length === 3)
      symbols.push(
        (groups.shift() as number) * 9 + (groups.shift() as number) * 3 + (groups.shift() as number),
      );
  }
  if (groups.length === 1) symbols.push(groups[0] as number);
  if (groups.length === 2) symbols.push((groups[0] as number) * 3 + (groups[1] as number));
  const checksum = polymod([...symbols, 0, 0, 0, 0, 0, 0, 0, 0]) ^ 1n;
  let suffix = "";
  for (let index = 0; index < 8; index++) {
    suffix += CHECKSUM_CHARSET[Number((checksum >> BigInt(5 * (7 - index))) & 31n)];
  }
  return `${descriptor}#${suffix}`;
}

/** Core's `InferDescriptor` for an output script nothing is known about (the `desc` field of `scriptPubKey`). */
export function inferDescriptor(output: Uint8Array): string {
  const hex = Buffer.from(output).toString("hex");
  const type = coreScriptType(output);
  if (type === "pubkey") return withChecksum(`pk(${hex.slice(2, -2)})`);
  if (type === "witness_v1_taproot") return withChecksum(`rawtr(${hex.slice(4)})`);
  const address = scriptAddress(output);
  return withChecksum(address === undefined ? `raw(${hex})` : `addr(${address})`);
}
