import type { WalletKey } from "./extended-key.ts";

/** BIP380 output descriptor checksums (github.com/bitcoin/bips/blob/master/bip-0380.mediawiki). */
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

function expand(descriptor: string): number[] | undefined {
  const symbols: number[] = [];
  const groups: number[] = [];
  for (const character of descriptor) {
    const position = INPUT_CHARSET.indexOf(character);
    if (position < 0) return undefined;
    symbols.push(position & 31);
    groups.push(position >> 5);
    if (groups.length === 3) {
      const [a, b, c] = groups.splice(0, 3) as [number, number, number];
      symbols.push(a * 9 + b * 3 + c);
    }
  }
  if (groups.length === 1) symbols.push(groups[0]!);
  if (groups.length === 2) symbols.push(groups[0]! * 3 + groups[1]!);
  return symbols;
}

/** The 8-character checksum of a descriptor (without its `#`). */
export function descriptorChecksum(descriptor: string): string {
  const symbols = expand(descriptor);
  if (!symbols) throw new RangeError("the descriptor has a character BIP380 does not allow");
  const checksum = polymod([...symbols, 0, 0, 0, 0, 0, 0, 0, 0]) ^ 1n;
  let suffix = "";
  for (let index = 0; index < 8; index++) {
    suffix += CHECKSUM_CHARSET[Number((checksum >> BigInt(5 * (7 - index))) & 31n)];
  }
  return suffix;
}

/** A descriptor with its BIP380 checksum appended (`…#xxxxxxxx`). */
export function withChecksum(descriptor: string): string {
  return `${descriptor}#${descriptorChecksum(descriptor)}`;
}

/** BIP380's validity rule: exactly one `#`, followed by the 8 checksum characters of what precedes it. */
export function hasValidChecksum(text: string): boolean {
  const parts = text.split("#");
  if (parts.length !== 2) return false;
  const [descriptor, checksum] = parts as [string, string];
  if (expand(descriptor) === undefined || checksum.length !== 8) return false;
  return descriptorChecksum(descriptor) === checksum;
}

/** Lookahead past the last handed-out index, as a wallet's gap limit would give. */
export const DESCRIPTOR_GAP = 20;

export interface ReceiveDescriptor {
  descriptor: string;
  range: [number, number];
}

/**
 * The receive chain (`0/*`) of a Bitcoin wallet key as an output descriptor, for a watch-only import: the key
 * in its standard xpub/tpub spelling (descriptors carry the script type in the function, not the prefix).
 */
export function receiveDescriptor(key: WalletKey, nextIndex: number): ReceiveDescriptor {
  const path = `${key.xpub}/0/*`;
  const body = (() => {
    switch (key.scriptType) {
      case "p2pkh":
        return `pkh(${path})`;
      case "p2sh-p2wpkh":
        return `sh(wpkh(${path}))`;
      case "p2wpkh":
        return `wpkh(${path})`;
      case "p2tr":
        return `tr(${path})`;
      case "evm":
        throw new TypeError("an EVM wallet has no Bitcoin output descriptor");
    }
  })();
  return { descriptor: withChecksum(body), range: [0, nextIndex + DESCRIPTOR_GAP] };
}
