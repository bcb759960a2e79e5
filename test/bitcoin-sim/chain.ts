import type { Block, Transaction } from "bitcoinjs-lib";
import { blockProof } from "./consensus.ts";

/** An unspent output as the UTXO set keeps it (Core's `Coin`). `height` is -1 for a mempool output. */
export interface Coin {
  value: bigint;
  script: Uint8Array;
  height: number;
  coinbase: boolean;
}

export interface StoredBlock {
  block: Block;
  hash: string;
  height: number;
  /** Hex id of the parent; all zeros for genesis. */
  previousHash: string;
  txids: string[];
  transactions: Transaction[];
  chainwork: bigint;
  mediantime: number;
  size: number;
  strippedSize: number;
  weight: number;
}

export interface TxLocation {
  block: StoredBlock;
  index: number;
}

export const outpointKey = (txid: string, vout: number) => `${txid}:${vout}`;
export const txidOf = (hash: Uint8Array) => Buffer.from(hash).reverse().toString("hex");
const isUnspendable = (script: Uint8Array) => script[0] === 0x6a;

/**
 * The block tree and the active chain's state: UTXO set, undo data for disconnects, where each confirmed
 * transaction sits, and a per-script history (the index Esplora keeps). Every block ever connected stays
 * retrievable by hash, as a node keeps stale blocks on disk.
 */
export class ChainState {
  readonly blocks = new Map<string, StoredBlock>();
  readonly active: StoredBlock[] = [];
  readonly utxos = new Map<string, Coin>();
  /** Every transaction ever seen (blocks, mempool, dropped), for prevouts and rebroadcasts. */
  readonly knownTransactions = new Map<string, Transaction>();
  private readonly confirmed = new Map<string, TxLocation>();
  private readonly undo = new Map<string, Array<[string, Coin]>>();
  private readonly history = new Map<string, string[]>();

  get tip(): StoredBlock {
    const tip = this.active[this.active.length - 1];
    if (tip === undefined) throw new Error("the chain has no genesis block");
    return tip;
  }

  isActive(block: StoredBlock): boolean {
    return this.active[block.height] === block;
  }

  /** Core's confirmations field: depth in the active chain, -1 for a stale block. */
  confirmations(block: StoredBlock): number {
    return this.isActive(block) ? this.tip.height - block.height + 1 : -1;
  }

  nextOnActiveChain(block: StoredBlock): StoredBlock | undefined {
    return this.isActive(block) ? this.active[block.height + 1] : undefined;
  }

  location(txid: string): TxLocation | undefined {
    return this.confirmed.get(txid);
  }

  /** Confirmed transactions touching an output script, oldest first. */
  scriptHistory(scriptHex: string): string[] {
    return this.history.get(scriptHex) ?? [];
  }

  /** The output an input spends, from any transaction ever seen (spent or not). */
  previousOutput(txid: string, vout: number): Transaction["outs"][number] | undefined {
    return this.knownTransactions.get(txid)?.outs[vout];
  }

  /** Core's `GetMedianTimePast` for a block that would follow `parent`. */
  medianTimePast(parent: StoredBlock | undefined, extraTime?: number): number {
    const times: number[] = extraTime === undefined ? [] : [extraTime];
    let cursor = parent;
    while (cursor !== undefined && times.length < 11) {
      times.push(cursor.block.timestamp);
      cursor = this.blocks.get(cursor.previousHash);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? 0;
  }

  /** Appends a block whose transactions the caller has validated against `utxos`. */
  connect(block: Block): StoredBlock {
    const transactions = block.transactions ?? [];
    const parent = this.active[this.active.length - 1];
    const hash = block.getId();
    const stored: StoredBlock = {
      block,
      hash,
      height: parent === undefined ? 0 : parent.height + 1,
      previousHash: txidOf(block.prevHash ?? new Uint8Array(32)),
      txids: transactions.map((tx) => tx.getId()),
      transactions,
      chainwork: (parent?.chainwork ?? 0n) + blockProof(block.bits),
      mediantime: this.medianTimePast(parent, block.timestamp),
      size: block.byteLength(false, true),
      strippedSize: block.byteLength(false, false),
      weight: block.weight(),
    };
    const spent: Array<[string, Coin]> = [];
    transactions.forEach((tx, index) => {
      const txid = stored.txids[index] as string;
      const touched = new Set<string>();
      if (stored.height > 0) {
        for (const input of tx.isCoinbase() ? [] : tx.ins) {
          const key = outpointKey(txidOf(input.hash), input.index);
          const coin = this.utxos.get(key);
          if (coin === undefined) throw new Error(`block ${hash} spends missing output ${key}`);
          spent.push([key, coin]);
          this.utxos.delete(key);
          touched.add(Buffer.from(coin.script).toString("hex"));
        }
        tx.outs.forEach((output, vout) => {
          if (!isUnspendable(output.script)) {
            this.utxos.set(outpointKey(txid, vout), {
              value: output.value,
              script: output.script,
              height: stored.height,
              coinbase: index === 0,
            });
          }
          touched.add(Buffer.from(output.script).toString("hex"));
        });
      }
      for (const script of touched) {
        const list = this.history.get(script) ?? [];
        list.push(txid);
        this.history.set(script, list);
      }
      this.confirmed.set(txid, { block: stored, index });
      this.knownTransactions.set(txid, tx);
    });
    this.undo.set(hash, spent);
    this.blocks.set(hash, stored);
    this.active.push(stored);
    return stored;
  }

  /** Removes the tip, restoring the outputs it spent; returns its non-coinbase transactions in block order. */
  disconnectTip(): Transaction[] {
    const tip = this.tip;
    if (tip.height === 0) throw new Error("cannot disconnect the genesis block");
    for (let index = tip.transactions.length - 1; index >= 0; index--) {
      const tx = tip.transactions[index] as Transaction;
      const txid = tip.txids[index] as string;
      const touched = new Set<string>();
      tx.outs.forEach((output, vout) => {
        this.utxos.delete(outpointKey(txid, vout));
        touched.add(Buffer.from(output.script).toString("hex"));
      });
      for (const input of tx.isCoinbase() ? [] : tx.ins) {
        const coin = this.previousOutput(txidOf(input.hash), input.index);
        if (coin) touched.add(Buffer.from(coin.script).toString("hex"));
      }
      for (const script of touched) {
        const list = this.history.get(script);
        if (list?.[list.length - 1] === txid) list.pop();
      }
      this.confirmed.delete(txid);
    }
    for (const [key, coin] of this.undo.get(tip.hash) ?? []) this.utxos.set(key, coin);
    this.undo.delete(tip.hash);
    this.active.pop();
    return tip.transactions.slice(1);
  }
}
