import * as ecc from "@bitcoinerlab/secp256k1";
import { BIP32Factory } from "bip32";
import { address, initEccLib, Psbt, payments, type Transaction } from "bitcoinjs-lib";
import { ECPairFactory, type ECPairInterface } from "ecpair";
import { type Coin, outpointKey } from "./chain.ts";
import { COINBASE_MATURITY, dustThreshold, REGTEST } from "./consensus.ts";
import type { RegtestNode } from "./node.ts";

initEccLib(ecc);
const bip32 = BIP32Factory(ecc);
const ECPair = ECPairFactory(ecc);

export interface TxOutput {
  script: Uint8Array;
  value: bigint;
}

export interface Outpoint {
  txid: string;
  vout: number;
}

export interface SpendRequest {
  outputs: TxOutput[];
  /** sat/vB, default 2. */
  feeRate?: number;
  /** Signal BIP125 replaceability (sequence 0xfffffffd), as Core's wallet does by default; default true. */
  rbf?: boolean;
  /** Inputs the transaction must spend (a replacement spends its original's inputs). */
  inputs?: Outpoint[];
  /** Transactions whose outputs must not fund this one (the one being replaced and its descendants). */
  excludeTxids?: Set<string>;
  /** The least fee for a given virtual size (BIP125 replacement rules). */
  minimumFee?: (vsize: number) => bigint;
  /** Default the tip height (anti-fee-sniping); a replacement keeps its original's, as Core's bumpfee does. */
  locktime?: number;
}

interface SpendableCoin extends Coin, Outpoint {}

export class InsufficientFundsError extends Error {
  constructor(needed: bigint, available: bigint) {
    super(`Insufficient funds: the simulator's wallet needs ${needed} sats and can spend ${available}`);
    this.name = "InsufficientFundsError";
  }
}

/**
 * The simulator's own wallet: P2WPKH keys under a BIP32 seed (BIP84 paths), funded by the coinbase outputs it
 * mines, spending like Core's wallet (version 2, anti-fee-sniping locktime, largest coins first, change to a
 * fresh address, low-R signatures) through a PSBT it signs and finalizes.
 */
export class SimWallet {
  readonly miningScript: Uint8Array;
  readonly miningAddress: string;
  private readonly root: ReturnType<typeof bip32.fromSeed>;
  private readonly keys = new Map<string, ECPairInterface>();
  private changeIndex = 0;

  constructor(seed: Uint8Array) {
    this.root = bip32.fromSeed(seed, REGTEST);
    const mining = this.deriveScript("m/84'/1'/0'/0/0");
    this.miningScript = mining.script;
    this.miningAddress = mining.address;
  }

  private deriveScript(path: string): { script: Uint8Array; address: string } {
    const node = this.root.derivePath(path);
    if (node.privateKey === undefined) throw new Error("the wallet root has no private key");
    const key = ECPair.fromPrivateKey(node.privateKey, { network: REGTEST });
    key.lowR = true;
    const payment = payments.p2wpkh({ pubkey: key.publicKey, network: REGTEST });
    const script = payment.output as Uint8Array;
    this.keys.set(Buffer.from(script).toString("hex"), key);
    return { script, address: payment.address as string };
  }

  owns(script: Uint8Array): boolean {
    return this.keys.has(Buffer.from(script).toString("hex"));
  }

  /** The public key that locks an output of this wallet (to verify its signatures). */
  publicKeyFor(script: Uint8Array): Uint8Array | undefined {
    return this.keys.get(Buffer.from(script).toString("hex"))?.publicKey;
  }

  /**
   * Coins the wallet spends: confirmed ones first, largest first (coinbase outputs after 101 confirmations,
   * the wallet's rule), then its own unconfirmed change.
   */
  spendableCoins(node: RegtestNode, exclude: Set<string> = new Set()): SpendableCoin[] {
    const tip = node.chain.tip.height;
    const confirmed: SpendableCoin[] = [];
    for (const [key, coin] of node.chain.utxos) {
      if (!this.owns(coin.script) || node.mempool.spenderOf(key) !== undefined) continue;
      if (coin.coinbase && tip - coin.height + 1 <= COINBASE_MATURITY) continue;
      const separator = key.lastIndexOf(":");
      confirmed.push({ ...coin, txid: key.slice(0, separator), vout: Number(key.slice(separator + 1)) });
    }
    confirmed.sort((a, b) => (a.value === b.value ? 0 : a.value > b.value ? -1 : 1));
    const unconfirmed: SpendableCoin[] = [];
    for (const entry of node.mempool.entries.values()) {
      if (exclude.has(entry.txid)) continue;
      entry.tx.outs.forEach((output, vout) => {
        if (this.owns(output.script) && node.mempool.spenderOf(outpointKey(entry.txid, vout)) === undefined) {
          unconfirmed.push({
            value: output.value,
            script: output.script,
            height: -1,
            coinbase: false,
            txid: entry.txid,
            vout,
          });
        }
      });
    }
    return [...confirmed, ...unconfirmed];
  }

  /** Builds and signs a transaction paying `outputs`, with change back to the wallet; does not broadcast it. */
  createTransaction(node: RegtestNode, request: SpendRequest): Transaction {
    const feeRate = request.feeRate ?? 2;
    const sequence = (request.rbf ?? true) ? 0xfffffffd : 0xfffffffe;
    // Anti-fee-sniping: Core's wallet locks a new transaction to the current tip height.
    const locktime = request.locktime ?? node.chain.tip.height;
    const target = request.outputs.reduce((sum, output) => sum + output.value, 0n);
    const selected: SpendableCoin[] = (request.inputs ?? []).map(({ txid, vout }) => {
      const key = outpointKey(txid, vout);
      // A conflict with a confirmed transaction (to mine in a reorg) spends outputs the chain already spent.
      const spent = node.chain.previousOutput(txid, vout);
      const coin =
        node.chain.utxos.get(key) ??
        node.mempool.output(key) ??
        (spent && { ...spent, height: -1, coinbase: false });
      if (coin === undefined || !this.owns(coin.script)) throw new Error(`the wallet cannot spend ${key}`);
      return {
        value: coin.value,
        script: coin.script,
        height: coin.height,
        coinbase: coin.coinbase,
        txid,
        vout,
      };
    });
    const taken = new Set(selected.map(({ txid, vout }) => outpointKey(txid, vout)));
    const pool = this.spendableCoins(node, request.excludeTxids).filter(
      (coin) => !taken.has(outpointKey(coin.txid, coin.vout)),
    );
    const change = this.deriveScript(`m/84'/1'/0'/1/${this.changeIndex++}`).script;

    for (;;) {
      const total = selected.reduce((sum, coin) => sum + coin.value, 0n);
      if (total >= target) {
        const withChange = this.sign(
          selected,
          [...request.outputs, { script: change, value: total - target }],
          sequence,
          locktime,
        );
        const fee = this.requiredFee(withChange.virtualSize(), feeRate, request.minimumFee);
        const changeValue = total - target - fee;
        if (changeValue >= dustThreshold(change)) {
          return this.sign(
            selected,
            [...request.outputs, { script: change, value: changeValue }],
            sequence,
            locktime,
          );
        }
        const withoutChange = this.sign(selected, request.outputs, sequence, locktime);
        if (total - target >= this.requiredFee(withoutChange.virtualSize(), feeRate, request.minimumFee))
          return withoutChange;
      }
      const next = pool.shift();
      if (next === undefined) {
        throw new InsufficientFundsError(
          target,
          selected.reduce((sum, coin) => sum + coin.value, 0n),
        );
      }
      selected.push(next);
    }
  }

  private requiredFee(
    measuredVsize: number,
    feeRate: number,
    minimumFee?: (vsize: number) => bigint,
  ): bigint {
    // Re-signing with the final change may shorten or lengthen a DER signature by a byte; like Core's wallet,
    // budget for the larger size.
    const vsize = measuredVsize + 1;
    const byRate = BigInt(Math.ceil(vsize * feeRate));
    const floor = minimumFee?.(vsize) ?? 0n;
    return byRate > floor ? byRate : floor;
  }

  private sign(coins: SpendableCoin[], outputs: TxOutput[], sequence: number, locktime: number): Transaction {
    const psbt = new Psbt({ network: REGTEST });
    psbt.setVersion(2);
    psbt.setLocktime(locktime);
    for (const coin of coins) {
      psbt.addInput({
        hash: coin.txid,
        index: coin.vout,
        sequence,
        witnessUtxo: { script: coin.script, value: coin.value },
      });
    }
    for (const output of outputs) psbt.addOutput({ script: output.script, value: output.value });
    coins.forEach((coin, index) => {
      psbt.signInput(index, this.keys.get(Buffer.from(coin.script).toString("hex")) as ECPairInterface);
    });
    psbt.finalizeAllInputs();
    return psbt.extractTransaction(true);
  }
}

/** The regtest output script of an address of any type (P2PKH, P2SH, P2WPKH, P2WSH, P2TR). */
export function outputScriptFor(destination: string): Uint8Array {
  return address.toOutputScript(destination, REGTEST);
}
