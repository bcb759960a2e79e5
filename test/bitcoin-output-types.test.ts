import { randomBytes } from "node:crypto";
import * as ecc from "@bitcoinerlab/secp256k1";
import {
  type BitcoinScriptType,
  type Chain,
  chainPresets,
  deriveBitcoinAddress,
  parseWalletKey,
} from "@paygate/shared";
import { createChainSource } from "@paygate/watcher";
import { BIP32Factory } from "bip32";
import { networks } from "bitcoinjs-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BitcoinSim, startBitcoinSim } from "./bitcoin-sim/index.ts";
import { BITCOIN_BACKENDS, backendUrlOf } from "./support/bitcoin-stack.ts";

/**
 * Deposit addresses of every wallet script type (BIP44 P2PKH, BIP49 P2SH-P2WPKH, BIP84 P2WPKH, BIP86 P2TR), as
 * the API derives them, are found by both backends in the mempool and in blocks, with exact satoshi amounts.
 */
const bip32 = BIP32Factory(ecc);
const seed = randomBytes(32);
const accounts: Record<BitcoinScriptType, string> = {
  p2pkh: "m/44'/1'/0'",
  "p2sh-p2wpkh": "m/49'/1'/0'",
  p2wpkh: "m/84'/1'/0'",
  p2tr: "m/86'/1'/0'",
};
const deposits = Object.entries(accounts).map(([scriptType, path], i) => {
  const tpub = bip32.fromSeed(seed, networks.testnet).derivePath(path).neutered().toBase58();
  const key = parseWalletKey(tpub, "bitcoin", scriptType as BitcoinScriptType);
  return { scriptType, address: deriveBitcoinAddress(key, i, "regtest"), amountSats: 10_000n + BigInt(i) };
});

let sim: BitcoinSim;
let txid: string;
let height: bigint;

beforeAll(async () => {
  sim = await startBitcoinSim();
  txid = sim.sendMany(deposits.map(({ address, amountSats }) => ({ to: address, amountSats })));
});

afterAll(async () => {
  await sim?.close();
});

const watched = new Set(deposits.map((deposit) => deposit.address));
const watch = {
  has: (key: string) => watched.has(key),
  refresh: async () => {},
  openAddresses: async () => [...watched],
};
const expected = () =>
  deposits.map(({ address, amountSats }, index) => ({
    address,
    asset: "BTC",
    txHash: txid,
    index,
    amount: amountSats,
  }));

function chainFor(kind: (typeof BITCOIN_BACKENDS)[number]): Chain {
  const preset = chainPresets.find((chain) => chain.id === "bitcoin-regtest")!;
  return { ...preset, bitcoinBackend: { kind, url: backendUrlOf(sim, kind) } };
}

describe("every wallet script type", () => {
  it("pays regtest addresses of each type", () => {
    const patterns = [/^[mn]/, /^2/, /^bcrt1q/, /^bcrt1p/];
    deposits.forEach(({ address }, i) => {
      expect(address).toMatch(patterns[i]!);
    });
  });

  it.each(BITCOIN_BACKENDS)("is matched in the mempool by the %s backend", async (kind) => {
    const snapshot = await createChainSource(chainFor(kind)).mempool!(watch);
    expect(snapshot.transfers).toEqual(expected().map((transfer) => ({ ...transfer, rbf: true })));
  });

  it.each(BITCOIN_BACKENDS)("is matched in its block by the %s backend", async (kind) => {
    if (height === undefined) {
      sim.mine(1);
      height = BigInt(sim.tipHeight());
    }
    const [block] = await createChainSource(chainFor(kind)).blocks(height, height, watch);
    expect(block).toMatchObject({ number: height, hash: sim.blockHash(Number(height)) });
    expect(block!.transfers).toEqual(expected());
  });
});
