import type { Transaction } from "bitcoinjs-lib";
import { type Coin, outpointKey, txidOf } from "./chain.ts";
import { MAX_BIP125_RBF_SEQUENCE } from "./consensus.ts";

export interface MempoolEntry {
  tx: Transaction;
  txid: string;
  wtxid: string;
  fee: bigint;
  vsize: number;
  weight: number;
  /** Entry time, unix seconds. */
  time: number;
  /** Chain height when the transaction entered. */
  height: number;
}

/** Mempool entries in arrival order (parents before children) and the outpoints they spend. */
export class Mempool {
  readonly entries = new Map<string, MempoolEntry>();
  private readonly spends = new Map<string, string>();
  /** Bumped on every addition and removal (`getrawmempool`'s `mempool_sequence`). */
  sequence = 1;

  has(txid: string): boolean {
    return this.entries.has(txid);
  }

  get(txid: string): MempoolEntry | undefined {
    return this.entries.get(txid);
  }

  txids(): string[] {
    return [...this.entries.keys()];
  }

  /** The mempool transaction spending an outpoint, if any. */
  spenderOf(key: string): string | undefined {
    return this.spends.get(key);
  }

  /** An output of a mempool transaction, as a coin at the mempool height (-1). */
  output(key: string): Coin | undefined {
    const separator = key.lastIndexOf(":");
    const output = this.entries.get(key.slice(0, separator))?.tx.outs[Number(key.slice(separator + 1))];
    return output && { value: output.value, script: output.script, height: -1, coinbase: false };
  }

  add(entry: MempoolEntry): void {
    this.sequence += 1;
    this.entries.set(entry.txid, entry);
    for (const input of entry.tx.ins)
      this.spends.set(outpointKey(txidOf(input.hash), input.index), entry.txid);
  }

  /** In-mempool parents of a transaction. */
  parents(entry: MempoolEntry): MempoolEntry[] {
    const parents = new Map<string, MempoolEntry>();
    for (const input of entry.tx.ins) {
      const parent = this.entries.get(txidOf(input.hash));
      if (parent) parents.set(parent.txid, parent);
    }
    return [...parents.values()];
  }

  /** In-mempool children of a transaction. */
  children(entry: MempoolEntry): MempoolEntry[] {
    const children = new Map<string, MempoolEntry>();
    entry.tx.outs.forEach((_output, vout) => {
      const spender = this.spends.get(outpointKey(entry.txid, vout));
      const child = spender === undefined ? undefined : this.entries.get(spender);
      if (child) children.set(child.txid, child);
    });
    return [...children.values()];
  }

  /** A transaction and everything in the mempool that spends it, directly or not. */
  withDescendants(txid: string): MempoolEntry[] {
    const found = new Map<string, MempoolEntry>();
    const queue = [this.entries.get(txid)];
    for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
      if (found.has(entry.txid)) continue;
      found.set(entry.txid, entry);
      queue.push(...this.children(entry));
    }
    return [...found.values()];
  }

  withAncestors(txid: string): MempoolEntry[] {
    const found = new Map<string, MempoolEntry>();
    const queue = [this.entries.get(txid)];
    for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
      if (found.has(entry.txid)) continue;
      found.set(entry.txid, entry);
      queue.push(...this.parents(entry));
    }
    return [...found.values()];
  }

  /** BIP125 replaceability as Core reports it: the transaction or an unconfirmed ancestor signals. */
  signalsReplacement(txid: string): boolean {
    return this.withAncestors(txid).some((entry) =>
      entry.tx.ins.some((input) => input.sequence <= MAX_BIP125_RBF_SEQUENCE),
    );
  }

  /** Removes one entry only (its children stay: they were mined with it or are removed by the caller). */
  removeOne(txid: string): MempoolEntry | undefined {
    const entry = this.entries.get(txid);
    if (entry === undefined) return undefined;
    this.sequence += 1;
    this.entries.delete(txid);
    for (const input of entry.tx.ins) {
      const key = outpointKey(txidOf(input.hash), input.index);
      if (this.spends.get(key) === txid) this.spends.delete(key);
    }
    return entry;
  }

  /** Removes a transaction with all its descendants; returns the removed txids. */
  removeWithDescendants(txid: string): string[] {
    const removed = this.withDescendants(txid).map((entry) => entry.txid);
    for (const id of removed) this.removeOne(id);
    return removed;
  }
}
