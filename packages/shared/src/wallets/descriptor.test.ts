import { describe, expect, it } from "vitest";
import { deriveBitcoinAddress } from "./derive.ts";
import { descriptorChecksum, hasValidChecksum, receiveDescriptor, withChecksum } from "./descriptor.ts";
import { parseWalletKey } from "./extended-key.ts";

/** BIP380's checksum test vectors, valid and invalid. */
describe("BIP380 checksum", () => {
  it("computes the checksum of BIP380's example", () => {
    expect(descriptorChecksum("raw(deadbeef)")).toBe("89f8spxm");
    expect(withChecksum("raw(deadbeef)")).toBe("raw(deadbeef)#89f8spxm");
  });

  it.each([
    ["raw(deadbeef)#89f8spxm", true],
    ["raw(deadbeef)#", false], // missing checksum
    ["raw(deadbeef)#89f8spxmx", false], // too long
    ["raw(deadbeef)#89f8spx", false], // too short
    ["raw(deedbeef)#89f8spxm", false], // error in payload
    ["raw(deedbeef)##9f8spxm", false], // error in checksum
    ["raw(Ü)#00000000", false], // invalid character
  ])("%s is %s", (text, valid) => {
    expect(hasValidChecksum(text)).toBe(valid);
  });
});

describe("receive descriptor", () => {
  // BIP84's test vector: the account zpub of the "abandon … about" mnemonic
  const zpub =
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";

  it("describes the BIP84 account as wpkh over its standard xpub, range 0..next_index+20", () => {
    const key = parseWalletKey(zpub, "bitcoin");
    const { descriptor, range } = receiveDescriptor(key, 5);
    expect(descriptor).toMatch(/^wpkh\(xpub[1-9A-HJ-NP-Za-km-z]+\/0\/\*\)#[0-9a-z]{8}$/);
    expect(hasValidChecksum(descriptor)).toBe(true);
    expect(range).toEqual([0, 25]);
    // the key inside the descriptor yields BIP84's first receive address at 0/0
    const inner = descriptor.slice("wpkh(".length, descriptor.indexOf("/0/*"));
    expect(deriveBitcoinAddress(parseWalletKey(inner, "bitcoin", "p2wpkh"), 0, "bitcoin")).toBe(
      "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
    );
  });

  it.each([
    ["p2pkh", /^pkh\(xpub/],
    ["p2sh-p2wpkh", /^sh\(wpkh\(xpub/],
    ["p2tr", /^tr\(xpub/],
  ] as const)("writes %s as %s", (type, pattern) => {
    const key = parseWalletKey(parseWalletKey(zpub, "bitcoin").xpub, "bitcoin", type);
    expect(receiveDescriptor(key, 0).descriptor).toMatch(pattern);
  });
});
