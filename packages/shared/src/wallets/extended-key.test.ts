import {
  ABANDON_MNEMONIC,
  ANVIL_ACCOUNT_XPUB,
  ANVIL_MNEMONIC,
  accountXpub,
  editBytes,
  nodeAt,
  withVersion,
} from "@paygate/testkit";
import bs58check from "bs58check";
import { describe, expect, it } from "vitest";
import { InvalidExtendedKeyError } from "../errors.ts";
import { parseWalletKey, type WalletFamily, type WalletScriptType } from "./extended-key.ts";

// Official account keys of the BIP44/49/84/86 test vectors ("abandon … about", account 0).
const BIP44_XPUB =
  "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx39T9nMdj";
const BIP49_YPUB =
  "ypub6Ww3ibxVfGzLrAH1PNcjyAWenMTbbAosGNB6VvmSEgytSER9azLDWCxoJwW7Ke7icmizBMXrzBx9979FfaHxHcrArf3zbeJJJUZPf663zsP";
const BIP84_ZPUB =
  "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
const BIP86_XPUB =
  "xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ";
// BIP84 testnet account (m/84'/1'/0') of the same mnemonic, as wallets export it
const BIP84_VPUB =
  "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";

const V = {
  xpub: 0x0488b21e,
  xprv: 0x0488ade4,
  ypub: 0x049d7cb2,
  yprv: 0x049d7878,
  zpub: 0x04b24746,
  zprv: 0x04b2430c,
  Zpub: 0x02aa7ed3,
  tpub: 0x043587cf,
  tprv: 0x04358394,
  upub: 0x044a5262,
  uprv: 0x044a4e28,
  vpub: 0x045f1cf6,
  vprv: 0x045f18bc,
  Vpub: 0x02575483,
} as const;

function rejection(
  text: string,
  family: WalletFamily,
  scriptType?: WalletScriptType,
): InvalidExtendedKeyError {
  try {
    parseWalletKey(text, family, scriptType);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidExtendedKeyError);
    const keyError = error as InvalidExtendedKeyError;
    expect(keyError.param).toBe("xpub");
    expect(keyError.status).toBe(422);
    if (typeof text === "string" && text.length > 20)
      expect(keyError.message).not.toContain(text.slice(4, 40));
    return keyError;
  }
  throw new Error("expected an InvalidExtendedKeyError");
}

describe("parseWalletKey: accepted keys", () => {
  it("takes the BIP84 zpub as a mainnet P2WPKH wallet, normalised to xpub", () => {
    expect(parseWalletKey(BIP84_ZPUB, "bitcoin")).toEqual({
      family: "bitcoin",
      network: "mainnet",
      scriptType: "p2wpkh",
      xpub: "xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V",
      original: BIP84_ZPUB,
    });
  });

  it("normalises to the same xpub bip32 derives from the seed", () => {
    expect(parseWalletKey(BIP84_ZPUB, "bitcoin").xpub).toBe(accountXpub(ABANDON_MNEMONIC, "m/84'/0'/0'"));
    expect(parseWalletKey(BIP49_YPUB, "bitcoin").xpub).toBe(accountXpub(ABANDON_MNEMONIC, "m/49'/0'/0'"));
    expect(accountXpub(ABANDON_MNEMONIC, "m/44'/0'/0'")).toBe(BIP44_XPUB);
    expect(accountXpub(ABANDON_MNEMONIC, "m/86'/0'/0'")).toBe(BIP86_XPUB);
  });

  it.each([
    ["BIP44 xpub", BIP44_XPUB, undefined, "mainnet", "p2pkh"],
    ["BIP44 xpub, explicit p2pkh", BIP44_XPUB, "p2pkh", "mainnet", "p2pkh"],
    ["BIP49 ypub", BIP49_YPUB, undefined, "mainnet", "p2sh-p2wpkh"],
    ["BIP49 ypub, explicit p2sh-p2wpkh", BIP49_YPUB, "p2sh-p2wpkh", "mainnet", "p2sh-p2wpkh"],
    ["BIP84 zpub, explicit p2wpkh", BIP84_ZPUB, "p2wpkh", "mainnet", "p2wpkh"],
    ["BIP86 xpub with p2tr", BIP86_XPUB, "p2tr", "mainnet", "p2tr"],
    // xpub is generic: hardware and descriptor wallets export segwit accounts as xpub
    ["xpub as p2wpkh", BIP44_XPUB, "p2wpkh", "mainnet", "p2wpkh"],
    ["xpub as p2sh-p2wpkh", BIP44_XPUB, "p2sh-p2wpkh", "mainnet", "p2sh-p2wpkh"],
    ["BIP84 vpub", BIP84_VPUB, undefined, "testnet", "p2wpkh"],
  ] as const)("%s", (_name, text, scriptType, network, expected) => {
    const key = parseWalletKey(text, "bitcoin", scriptType);
    expect(key).toMatchObject({ family: "bitcoin", network, scriptType: expected, original: text });
  });

  it("takes testnet keys (tpub/upub/vpub) and normalises them to tpub", () => {
    const tpub = accountXpub(ABANDON_MNEMONIC, "m/84'/1'/0'", "testnet");
    expect(tpub.startsWith("tpub")).toBe(true);
    expect(withVersion(tpub, V.vpub)).toBe(BIP84_VPUB);
    expect(parseWalletKey(BIP84_VPUB, "bitcoin").xpub).toBe(tpub);
    expect(parseWalletKey(tpub, "bitcoin")).toMatchObject({
      network: "testnet",
      scriptType: "p2pkh",
      xpub: tpub,
    });
    expect(parseWalletKey(tpub, "bitcoin", "p2tr")).toMatchObject({ network: "testnet", scriptType: "p2tr" });
    const upub = withVersion(accountXpub(ABANDON_MNEMONIC, "m/49'/1'/0'", "testnet"), V.upub);
    expect(upub.startsWith("upub")).toBe(true);
    expect(parseWalletKey(upub, "bitcoin")).toMatchObject({ network: "testnet", scriptType: "p2sh-p2wpkh" });
  });

  it("takes the Anvil account xpub as an EVM wallet, and the constant matches the mnemonic", () => {
    expect(accountXpub(ANVIL_MNEMONIC, "m/44'/60'/0'")).toBe(ANVIL_ACCOUNT_XPUB);
    const expected = {
      family: "evm",
      network: "mainnet",
      scriptType: "evm",
      xpub: ANVIL_ACCOUNT_XPUB,
      original: ANVIL_ACCOUNT_XPUB,
    };
    expect(parseWalletKey(ANVIL_ACCOUNT_XPUB, "evm")).toEqual(expected);
    expect(parseWalletKey(ANVIL_ACCOUNT_XPUB, "evm", "evm")).toEqual(expected);
  });
});

describe("parseWalletKey: private keys", () => {
  const xprv = nodeAt(ABANDON_MNEMONIC, "m/84'/0'/0'").toBase58();
  const tprv = nodeAt(ABANDON_MNEMONIC, "m/84'/1'/0'", "testnet").toBase58();
  const anvilXprv = nodeAt(ANVIL_MNEMONIC, "m/44'/60'/0'").toBase58();

  it.each([
    ["xprv", xprv, "bitcoin"],
    ["xprv as evm", anvilXprv, "evm"],
    ["yprv", withVersion(xprv, V.yprv), "bitcoin"],
    ["zprv", withVersion(xprv, V.zprv), "bitcoin"],
    ["tprv", tprv, "bitcoin"],
    ["tprv as evm", tprv, "evm"],
    ["uprv", withVersion(tprv, V.uprv), "bitcoin"],
    ["vprv", withVersion(tprv, V.vprv), "bitcoin"],
    ["xprv with a broken checksum", `${xprv.slice(0, -1)}${xprv.endsWith("1") ? "2" : "1"}`, "bitcoin"],
    ["xprv truncated", xprv.slice(0, 60), "bitcoin"],
    ["private key data under the xpub version", withVersion(xprv, V.xpub), "bitcoin"],
    ["private key data under the zpub version", withVersion(xprv, V.zpub), "bitcoin"],
    ["private key data under an unknown version", withVersion(xprv, 0x01020304), "bitcoin"],
    ["master xprv", nodeAt(ABANDON_MNEMONIC, "m").toBase58(), "bitcoin"],
  ] as const)("rejects %s with private_key_rejected", (_name, text, family) => {
    const error = rejection(text, family);
    expect(error.code).toBe("private_key_rejected");
    expect(error.message).toContain("only takes extended public keys");
  });

  it("the test's xprv really is private (guards the vectors above)", () => {
    expect(xprv.startsWith("xprv")).toBe(true);
    expect(tprv.startsWith("tprv")).toBe(true);
  });
});

describe("parseWalletKey: malformed and mismatched keys", () => {
  const flipLast = (text: string) => `${text.slice(0, -1)}${text.endsWith("s") ? "t" : "s"}`;
  const flipMiddle = (text: string) => `${text.slice(0, 50)}${text[50] === "a" ? "b" : "a"}${text.slice(51)}`;
  const masterXpub = accountXpub(ABANDON_MNEMONIC, "m");
  const depth2 = accountXpub(ABANDON_MNEMONIC, "m/84'/0'");
  const depth4 = accountXpub(ABANDON_MNEMONIC, "m/84'/0'/0'/0");
  const tpub = accountXpub(ABANDON_MNEMONIC, "m/84'/1'/0'", "testnet");

  it.each([
    ["corrupted checksum", flipLast(BIP84_ZPUB), "checksum"],
    ["corrupted payload", flipMiddle(BIP84_ZPUB), "checksum"],
    ["truncated", BIP84_ZPUB.slice(0, 100), "checksum"],
    ["empty", "", "checksum"],
    ["padded with spaces", ` ${BIP84_ZPUB} `, "checksum"],
    ["trailing newline", `${BIP84_ZPUB}\n`, "checksum"],
    ["base58 alphabet violation (0OIl)", `${BIP84_ZPUB.slice(0, 10)}0${BIP84_ZPUB.slice(11)}`, "checksum"],
    ["an address", "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", "checksum"],
    [
      "a legacy address (valid base58check, 21 bytes)",
      "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA",
      "expected 78 bytes",
    ],
    ["79 bytes", bs58check.encode(new Uint8Array(79).fill(2)), "expected 78 bytes"],
    ["absurdly long", "x".repeat(10_000), "too long"],
    ["unknown version bytes", withVersion(BIP84_ZPUB, 0x01020304), "unknown version"],
    ["multisig Zpub", withVersion(BIP84_ZPUB, V.Zpub), "multisig"],
    ["multisig Vpub", withVersion(tpub, V.Vpub), "multisig"],
    ["a point not on the curve", editBytes(BIP84_ZPUB, (b) => b.fill(0xff, 46, 78)), "secp256k1 point"],
    ["a bad public key prefix", editBytes(BIP84_ZPUB, (b) => b.fill(0x05, 45, 46)), "secp256k1 point"],
    [
      "a depth-0 master xpub",
      masterXpub,
      "expected an account-level key (depth 3, e.g. m/84'/0'/0'), got depth 0",
    ],
    ["a depth-2 key", depth2, "got depth 2"],
    ["a depth-4 key", depth4, "got depth 4"],
  ])("rejects %s with invalid_xpub", (_name, text, fragment) => {
    const error = rejection(text, "bitcoin");
    expect(error.code).toBe("invalid_xpub");
    expect(error.message).toContain(fragment);
  });

  it("rejects a non-string", () => {
    expect(rejection(42 as unknown as string, "bitcoin").code).toBe("invalid_xpub");
    expect(rejection(undefined as unknown as string, "evm").code).toBe("invalid_xpub");
  });

  it("rejects a master xpub for EVM with the EVM path in the message", () => {
    const error = rejection(accountXpub(ANVIL_MNEMONIC, "m"), "evm");
    expect(error.message).toBe("expected an account-level key (depth 3, e.g. m/44'/60'/0'), got depth 0");
  });

  it.each([
    ["zpub with p2tr", BIP84_ZPUB, "p2tr"],
    ["zpub with p2pkh", BIP84_ZPUB, "p2pkh"],
    ["zpub with p2sh-p2wpkh", BIP84_ZPUB, "p2sh-p2wpkh"],
    ["ypub with p2wpkh", BIP49_YPUB, "p2wpkh"],
    ["ypub with p2tr", BIP49_YPUB, "p2tr"],
    ["vpub with p2pkh", BIP84_VPUB, "p2pkh"],
    ["vpub with p2tr", BIP84_VPUB, "p2tr"],
    ["a Bitcoin key with script type evm", BIP84_ZPUB, "evm"],
  ] as const)("rejects %s (contradicts the SLIP-132 prefix) with invalid_xpub", (_name, text, scriptType) => {
    const error = rejection(text, "bitcoin", scriptType);
    expect(error.code).toBe("invalid_xpub");
  });

  it("explains that taproot needs an xpub", () => {
    expect(rejection(BIP84_ZPUB, "bitcoin", "p2tr").message).toContain("taproot needs an xpub/tpub");
  });

  it.each([
    ["tpub", tpub],
    ["vpub", BIP84_VPUB],
  ])("rejects a %s given as evm with wallet_network_mismatch", (_name, text) => {
    const error = rejection(text, "evm");
    expect(error.code).toBe("wallet_network_mismatch");
    expect(error.message).toContain("mainnet xpub");
  });

  it.each([
    ["zpub", BIP84_ZPUB],
    ["ypub", BIP49_YPUB],
  ])("rejects a %s given as evm with invalid_xpub", (_name, text) => {
    expect(rejection(text, "evm").code).toBe("invalid_xpub");
  });

  it.each(["p2pkh", "p2wpkh", "p2tr"] as const)("rejects an EVM key with script type %s", (scriptType) => {
    expect(rejection(ANVIL_ACCOUNT_XPUB, "evm", scriptType).code).toBe("invalid_xpub");
  });
});
