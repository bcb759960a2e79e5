import type { BIP32Interface } from "bip32";
import { type Network, networks, type Payment, payments } from "bitcoinjs-lib";
import { bytesToHex } from "viem";
import { publicKeyToAddress } from "viem/accounts";
import type { BitcoinNetwork } from "../chains/chain.ts";
import { InvalidExtendedKeyError } from "../errors.ts";
import { bip32, ecc } from "./ecc.ts";
import type { WalletKey } from "./extended-key.ts";

const HARDENED = 2 ** 31;
const RECEIVE_CHAIN = 0;

function assertIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= HARDENED) {
    throw new RangeError(`derivation index must be an integer from 0 to 2^31 - 1, got ${index}`);
  }
}

/**
 * The receive chain (`0`) of each account key seen lately. Every intent derives one address, and parsing the
 * key and deriving `0` is half of that work (an EC multiplication each). Public data only; bounded.
 */
const receiveChains = new Map<string, BIP32Interface>();
const RECEIVE_CHAIN_CACHE_SIZE = 1024;

function receiveChain(key: WalletKey): BIP32Interface {
  const cached = receiveChains.get(key.xpub);
  if (cached) return cached;
  const network = key.network === "mainnet" ? networks.bitcoin : networks.testnet;
  const node = bip32.fromBase58(key.xpub, network).derive(RECEIVE_CHAIN);
  if (receiveChains.size >= RECEIVE_CHAIN_CACHE_SIZE) {
    receiveChains.delete(receiveChains.keys().next().value!);
  }
  receiveChains.set(key.xpub, node);
  return node;
}

/** Compressed public key at `0/index` under the account key. */
function childPublicKey(key: WalletKey, index: number): Uint8Array {
  assertIndex(index);
  return receiveChain(key).derive(index).publicKey;
}

function assertFamily(key: WalletKey, family: WalletKey["family"]): void {
  if (key.family !== family) throw new TypeError(`expected a ${family} wallet key, got ${key.family}`);
}

/** EIP-55 checksummed address of `0/index`: keccak of the uncompressed key, as every EVM wallet does it. */
export function deriveEvmAddress(key: WalletKey, index: number): `0x${string}` {
  assertFamily(key, "evm");
  const uncompressed = ecc.pointCompress(childPublicKey(key, index), false);
  return publicKeyToAddress(bytesToHex(uncompressed));
}

function bitcoinPayment(key: WalletKey, index: number, network: Network): Payment {
  assertFamily(key, "bitcoin");
  const pubkey = childPublicKey(key, index);
  switch (key.scriptType) {
    case "p2pkh":
      return payments.p2pkh({ pubkey, network });
    case "p2sh-p2wpkh":
      return payments.p2sh({ redeem: payments.p2wpkh({ pubkey, network }), network });
    case "p2wpkh":
      return payments.p2wpkh({ pubkey, network });
    case "p2tr":
      // BIP86: key-path only, the x-only internal key tweaked with an empty script tree
      return payments.p2tr({ internalPubkey: pubkey.subarray(1, 33), network });
    case "evm":
      throw new TypeError("an evm script type on a bitcoin wallet key");
  }
}

/** Mainnet keys pay to mainnet addresses only; testnet keys serve testnet, testnet4, signet and regtest. */
function addressNetwork(key: WalletKey, network: BitcoinNetwork): Network {
  if ((key.network === "mainnet") !== (network === "bitcoin")) {
    throw new InvalidExtendedKeyError(
      "wallet_network_mismatch",
      `A ${key.network} wallet key cannot derive addresses for the ${network} network`,
    );
  }
  return networks[network];
}

/** The deposit address of `0/index`, encoded for the network (regtest is bcrt1, the testnets and signet tb1). */
export function deriveBitcoinAddress(key: WalletKey, index: number, network: BitcoinNetwork): string {
  const address = bitcoinPayment(key, index, addressNetwork(key, network)).address;
  if (address === undefined) throw new Error(`bitcoinjs-lib built no ${key.scriptType} address`);
  return address;
}

/** The output script of `0/index` (the same bytes on every network): the watcher matches outputs by it. */
export function deriveScriptPubKey(key: WalletKey, index: number): Uint8Array {
  const network = key.network === "mainnet" ? networks.bitcoin : networks.testnet;
  const output = bitcoinPayment(key, index, network).output;
  if (output === undefined) throw new Error(`bitcoinjs-lib built no ${key.scriptType} output script`);
  return output;
}
