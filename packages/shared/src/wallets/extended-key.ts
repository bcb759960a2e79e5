import { networks } from "bitcoinjs-lib";
import bs58check from "bs58check";
import { InvalidExtendedKeyError } from "../errors.ts";
import { bip32 } from "./ecc.ts";
import { KEY_VERSIONS, type KeyNetwork, type KeyVersion, STANDARD_PUBLIC_VERSION } from "./versions.ts";

export type WalletFamily = "evm" | "bitcoin";
export type BitcoinScriptType = "p2pkh" | "p2sh-p2wpkh" | "p2wpkh" | "p2tr";
export type WalletScriptType = "evm" | BitcoinScriptType;

/** A merchant's account-level extended public key, checked and normalised. */
export interface WalletKey {
  family: WalletFamily;
  network: KeyNetwork;
  scriptType: WalletScriptType;
  /** The key re-encoded with the standard xpub/tpub version: one spelling per key, whatever prefix it came with. */
  xpub: string;
  /** The string as given (ypub/zpub/…), for showing back to the merchant. */
  original: string;
}

const ACCOUNT_DEPTH = 3;
const SERIALIZED_LENGTH = 78;
/** Serialized keys are 111 characters; the cap only keeps absurd input away from the base58 decoder. */
const MAX_TEXT_LENGTH = 200;
const PRIVATE_PREFIX = /^[xyztuvXYZUV]prv/;

const invalid = (message: string) => new InvalidExtendedKeyError("invalid_xpub", message);
// never echo the key in a message: it might be private
const privateKey = () =>
  new InvalidExtendedKeyError(
    "private_key_rejected",
    "This is an extended private key. The gateway only takes extended public keys (xpub/ypub/zpub/tpub/upub/vpub); never paste a private key anywhere",
  );

function decode(text: string): Uint8Array {
  if (PRIVATE_PREFIX.test(text)) throw privateKey();
  if (text.length > MAX_TEXT_LENGTH) throw invalid("Not an extended public key: far too long");
  let bytes: Uint8Array;
  try {
    bytes = bs58check.decode(text);
  } catch {
    throw invalid(
      "Not an extended public key: the base58check encoding or checksum is wrong (typo or truncated?)",
    );
  }
  if (bytes.length !== SERIALIZED_LENGTH) {
    throw invalid(`Not an extended public key: expected ${SERIALIZED_LENGTH} bytes, got ${bytes.length}`);
  }
  return bytes;
}

function readVersion(bytes: Uint8Array): KeyVersion {
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const known = KEY_VERSIONS.get(version);
  // key data starting 0x00 is a private key whatever the version claims; public keys start 0x02/0x03
  if (known?.private || bytes[45] === 0x00) throw privateKey();
  if (!known) throw invalid("Not an extended public key: unknown version bytes");
  return known;
}

function evmScriptType(version: KeyVersion, requested: WalletScriptType | undefined): WalletScriptType {
  if (version.network !== "mainnet") {
    throw new InvalidExtendedKeyError(
      "wallet_network_mismatch",
      `EVM wallets take a mainnet xpub (m/44'/60'/0'); got a ${version.prefix}`,
    );
  }
  if (version.prefix !== "xpub")
    throw invalid(`EVM wallets take an xpub (m/44'/60'/0'); got a ${version.prefix}`);
  if (requested !== undefined && requested !== "evm") {
    throw invalid(`EVM wallets have no Bitcoin script type; got ${requested}`);
  }
  return "evm";
}

/**
 * ypub/zpub (and upub/vpub) fix the script type; xpub/tpub are generic: descriptor wallets and hardware wallets
 * export every account as xpub, so an explicit type is taken as is, and taproot (BIP86 has no prefix) needs one.
 */
function bitcoinScriptType(version: KeyVersion, requested: WalletScriptType | undefined): BitcoinScriptType {
  if (version.scriptType === undefined) {
    throw invalid(`${version.prefix} is a multisig key; only single-signature wallets are supported`);
  }
  if (requested === "evm") throw invalid("Bitcoin wallets take a Bitcoin script type, not evm");
  if (requested === undefined) return version.scriptType;
  const generic = version.prefix === "xpub" || version.prefix === "tpub";
  if (!generic && requested !== version.scriptType) {
    throw invalid(
      `A ${version.prefix} is a ${version.scriptType} key and cannot be used as ${requested}` +
        (requested === "p2tr" ? " (taproot needs an xpub/tpub at m/86'/coin'/account')" : ""),
    );
  }
  return requested;
}

function assertAccountDepth(bytes: Uint8Array, family: WalletFamily): void {
  const depth = bytes[4]!;
  if (depth !== ACCOUNT_DEPTH) {
    const example = family === "evm" ? "m/44'/60'/0'" : "m/84'/0'/0'";
    throw invalid(
      `expected an account-level key (depth ${ACCOUNT_DEPTH}, e.g. ${example}), got depth ${depth}`,
    );
  }
}

/** Re-encodes with the standard public version and lets bip32 check the point is on the curve. */
function normalise(bytes: Uint8Array, network: KeyNetwork): string {
  const standard = Uint8Array.from(bytes);
  new DataView(standard.buffer).setUint32(0, STANDARD_PUBLIC_VERSION[network]);
  const xpub = bs58check.encode(standard);
  try {
    bip32.fromBase58(xpub, network === "mainnet" ? networks.bitcoin : networks.testnet);
  } catch {
    throw invalid("Not an extended public key: the public key is not a valid secp256k1 point");
  }
  return xpub;
}

/**
 * Checks a merchant wallet key and says what it derives. Only public, account-level (depth 3) keys pass;
 * a private key is refused with its own code so the merchant learns not to paste one.
 */
export function parseWalletKey(text: string, family: WalletFamily, scriptType?: WalletScriptType): WalletKey {
  if (typeof text !== "string") throw invalid("Not an extended public key: expected a string");
  const bytes = decode(text);
  const version = readVersion(bytes);
  const resolved =
    family === "evm" ? evmScriptType(version, scriptType) : bitcoinScriptType(version, scriptType);
  assertAccountDepth(bytes, family);
  return {
    family,
    network: version.network,
    scriptType: resolved,
    xpub: normalise(bytes, version.network),
    original: text,
  };
}
