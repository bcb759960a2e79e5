/**
 * Test-only helpers: public test mnemonics and a way to build keys from them. Production code never derives
 * from a seed (the gateway holds no secrets); only tests import this.
 */
import { pbkdf2Sync } from "node:crypto";
import * as ecc from "@bitcoinerlab/secp256k1";
import { BIP32Factory, type BIP32Interface } from "bip32";
import { networks } from "bitcoinjs-lib";
import bs58check from "bs58check";

const bip32 = BIP32Factory(ecc);

/** The BIP39 test mnemonic behind the BIP44/49/84/86 test vectors. */
export const ABANDON_MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/** BIP39 seed without a passphrase (what @scure/bip39's mnemonicToSeedSync computes). */
export function seedOf(mnemonic: string): Uint8Array {
  return pbkdf2Sync(mnemonic.normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
}

export function nodeAt(
  mnemonic: string,
  path: string,
  network: "mainnet" | "testnet" = "mainnet",
): BIP32Interface {
  const master = bip32.fromSeed(
    seedOf(mnemonic),
    network === "mainnet" ? networks.bitcoin : networks.testnet,
  );
  return path === "m" ? master : master.derivePath(path);
}

/** The account xpub/tpub at `path`. */
export function accountXpub(
  mnemonic: string,
  path: string,
  network: "mainnet" | "testnet" = "mainnet",
): string {
  return nodeAt(mnemonic, path, network).neutered().toBase58();
}

/** Re-encodes a serialized key with other version bytes (xpub -> zpub, xprv -> yprv, …). */
export function withVersion(key: string, version: number): string {
  const bytes = Uint8Array.from(bs58check.decode(key));
  new DataView(bytes.buffer).setUint32(0, version);
  return bs58check.encode(bytes);
}

/** Applies `edit` to the 78 serialized bytes and re-encodes with a valid checksum. */
export function editBytes(key: string, edit: (bytes: Uint8Array) => void): string {
  const bytes = Uint8Array.from(bs58check.decode(key));
  edit(bytes);
  return bs58check.encode(bytes);
}
