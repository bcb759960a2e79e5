import { describe, expect, it } from "vitest";
import { DEFAULT_SPONSOR_PATH, keyFileAccount, merchantKeys, sameAccountKey } from "./keys.ts";

const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

describe("merchantKeys", () => {
  it("derives deposit addresses at m/44'/60'/0'/0/i, as every EVM wallet does", () => {
    // the well-known first account of the BIP39 test mnemonic
    expect(merchantKeys(MNEMONIC).depositAccount(0).address).toBe(
      "0x9858EfFD232B4033E47d90003D41EC34EcaEda94",
    );
  });

  it("a passphrase is another wallet", () => {
    const plain = merchantKeys(MNEMONIC);
    const withPassphrase = merchantKeys(MNEMONIC, "TREZOR");
    expect(sameAccountKey(plain.accountXpub, withPassphrase.accountXpub)).toBe(false);
    expect(sameAccountKey(plain.accountXpub, merchantKeys(` ${MNEMONIC}\n`).accountXpub)).toBe(true);
  });

  it("keeps the default sponsor outside the deposit account", () => {
    const keys = merchantKeys(MNEMONIC);
    expect(keys.accountAt(DEFAULT_SPONSOR_PATH).address).not.toBe(keys.depositAccount(0).address);
  });

  it.each([
    ["a misspelt word", MNEMONIC.replace("about", "abuot")],
    ["a bad checksum", MNEMONIC.replace("about", "abandon")],
  ])("refuses %s without echoing the words", (_what, words) => {
    expect(() => merchantKeys(words)).toThrowError(expect.objectContaining({ code: "mnemonic_invalid" }));
    try {
      merchantKeys(words);
    } catch (error) {
      expect(String(error)).not.toContain("abandon");
    }
  });

  it("takes a sponsor key file with or without 0x, and nothing else", () => {
    const key = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    expect(keyFileAccount(key).address).toBe("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    expect(keyFileAccount(`0x${key}`).address).toBe("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    expect(() => keyFileAccount("not a key")).toThrowError(expect.objectContaining({ code: "key_invalid" }));
  });
});
