import { Block, script, Transaction } from "bitcoinjs-lib";
import { ChainState, type Coin, outpointKey, type StoredBlock, txidOf } from "./chain.ts";
import {
  BLOCK_VERSION,
  blockSubsidy,
  COINBASE_MATURITY,
  dustThreshold,
  genesisBlock,
  MAX_MONEY,
  MIN_RELAY_FEE_RATE,
  REGTEST_BITS,
} from "./consensus.ts";
import { Mempool, type MempoolEntry } from "./mempool.ts";
import { verifyInputSignature } from "./signatures.ts";

/** A transaction the node refuses, with Core's reject reason and the RPC error code `sendrawtransaction` uses. */
export class RejectedTransactionError extends Error {
  constructor(
    readonly reason: string,
    readonly rpcCode = -26,
  ) {
    super(reason);
    this.name = "RejectedTransactionError";
  }
}

export interface BlockTemplateOptions {
  /** Add every mempool transaction that still fits, in arrival order (default true). */
  includeMempool?: boolean;
  /** Mempool (or, in a reorg, disconnected) transactions the first block must include. */
  includeTxids?: string[];
  /** Transactions put straight into the first block without passing the mempool (e.g. a double spend). */
  transactions?: Transaction[];
}

export interface ReorgOptions extends BlockTemplateOptions {
  /** Transactions of the disconnected blocks that vanish instead of returning to the mempool. */
  dropTxids?: string[];
}

const WITNESS_COMMITMENT_HEADER = Uint8Array.from([0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed]);

/**
 * The node: chain state plus mempool, with the validation that joins them (Core's `AcceptToMemoryPool`,
 * `ConnectBlock`, and the mempool updates a block connection or a reorg triggers).
 */
export class RegtestNode {
  readonly chain = new ChainState();
  readonly mempool = new Mempool();
  private extraNonce = 0;

  constructor(
    private readonly clock: () => number,
    private readonly coinbaseScript: Uint8Array,
  ) {
    this.chain.connect(genesisBlock());
  }

  /** Validates a transaction against the chain tip and mempool policy, replacing conflicts (full RBF). */
  acceptToMempool(tx: Transaction): MempoolEntry {
    const txid = tx.getId();
    if (tx.isCoinbase()) throw new RejectedTransactionError("coinbase");
    if (this.mempool.has(txid)) throw new RejectedTransactionError("txn-already-in-mempool");
    if (this.chain.location(txid))
      throw new RejectedTransactionError("Transaction already in block chain", -27);
    const height = this.chain.tip.height;
    this.checkFinal(tx, height + 1);
    if (tx.outs.some((output) => output.value < dustThreshold(output.script)))
      throw new RejectedTransactionError("dust");

    const conflicts = new Set<string>();
    for (const input of tx.ins) {
      const spender = this.mempool.spenderOf(outpointKey(txidOf(input.hash), input.index));
      if (spender !== undefined) conflicts.add(spender);
    }
    const evicted = new Map<string, MempoolEntry>();
    for (const conflict of conflicts) {
      for (const entry of this.mempool.withDescendants(conflict)) evicted.set(entry.txid, entry);
    }
    const fee = this.checkInputs(
      tx,
      (key) => {
        const parent = key.slice(0, key.lastIndexOf(":"));
        if (evicted.has(parent)) throw new RejectedTransactionError("bad-txns-spends-conflicting-tx");
        return this.chain.utxos.get(key) ?? this.mempool.output(key);
      },
      height + 1,
    );
    const vsize = tx.virtualSize();
    const minimumFee = BigInt(vsize * MIN_RELAY_FEE_RATE);
    if (fee < minimumFee) {
      throw new RejectedTransactionError(`min relay fee not met, ${fee} < ${minimumFee}`);
    }
    if (evicted.size > 0) this.checkReplacement(txid, fee, vsize, conflicts, evicted);
    for (const conflict of conflicts) this.mempool.removeWithDescendants(conflict);

    const entry: MempoolEntry = {
      tx,
      txid,
      wtxid: txidOf(tx.getHash(true)),
      fee,
      vsize,
      weight: tx.weight(),
      time: this.clock(),
      height,
    };
    this.mempool.add(entry);
    this.chain.knownTransactions.set(txid, tx);
    return entry;
  }

  /** BIP125 rules 3, 4 and 6 as Core v28 applies them under full RBF (no signalling needed). */
  private checkReplacement(
    txid: string,
    fee: bigint,
    vsize: number,
    direct: Set<string>,
    evicted: Map<string, MempoolEntry>,
  ): void {
    for (const conflict of direct) {
      const original = this.mempool.get(conflict) as MempoolEntry;
      if (fee * BigInt(original.vsize) <= original.fee * BigInt(vsize)) {
        throw new RejectedTransactionError(
          `insufficient fee, rejecting replacement ${txid}; new feerate not above the feerate of ${conflict}`,
        );
      }
    }
    const replacedFees = [...evicted.values()].reduce((sum, entry) => sum + entry.fee, 0n);
    if (fee < replacedFees) {
      throw new RejectedTransactionError(
        `insufficient fee, rejecting replacement ${txid}, less fees than conflicting txs; ${fee} < ${replacedFees}`,
      );
    }
    const relayFee = BigInt(vsize * MIN_RELAY_FEE_RATE);
    if (fee - replacedFees < relayFee) {
      throw new RejectedTransactionError(
        `insufficient fee, rejecting replacement ${txid}, not enough additional fees to relay; ${fee - replacedFees} < ${relayFee}`,
      );
    }
  }

  private checkFinal(tx: Transaction, height: number): void {
    const final = tx.ins.every((input) => input.sequence === 0xffffffff);
    if (tx.locktime === 0 || final) return;
    const bound = tx.locktime < 500_000_000 ? height : this.chain.medianTimePast(this.chain.tip);
    if (tx.locktime >= bound) throw new RejectedTransactionError("non-final");
  }

  /** Core's `CheckTxInputs` plus the signature check: returns the fee. */
  private checkInputs(
    tx: Transaction,
    lookup: (key: string) => Coin | undefined,
    spendHeight: number,
  ): bigint {
    if (tx.ins.length === 0) throw new RejectedTransactionError("bad-txns-vin-empty");
    if (tx.outs.length === 0) throw new RejectedTransactionError("bad-txns-vout-empty");
    const seen = new Set<string>();
    let valueIn = 0n;
    const coins = tx.ins.map((input) => {
      const key = outpointKey(txidOf(input.hash), input.index);
      if (seen.has(key)) throw new RejectedTransactionError("bad-txns-inputs-duplicate");
      seen.add(key);
      const coin = lookup(key);
      if (coin === undefined) throw new RejectedTransactionError("bad-txns-inputs-missingorspent", -25);
      if (coin.coinbase && spendHeight - coin.height < COINBASE_MATURITY) {
        throw new RejectedTransactionError(
          `bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth ${spendHeight - coin.height}`,
        );
      }
      valueIn += coin.value;
      return coin;
    });
    let valueOut = 0n;
    for (const output of tx.outs) {
      if (output.value < 0n) throw new RejectedTransactionError("bad-txns-vout-negative");
      valueOut += output.value;
      if (output.value > MAX_MONEY || valueOut > MAX_MONEY)
        throw new RejectedTransactionError("bad-txns-txouttotal-toolarge");
    }
    if (valueIn < valueOut) {
      throw new RejectedTransactionError(
        `bad-txns-in-belowout, value in (${valueIn}) < value out (${valueOut})`,
      );
    }
    coins.forEach((coin, index) => {
      if (!verifyInputSignature(tx, index, coin)) {
        throw new RejectedTransactionError(
          "mandatory-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)",
        );
      }
    });
    return valueIn - valueOut;
  }

  /** Removes a mempool transaction and its descendants, as eviction or expiry would; returns their txids. */
  drop(txid: string): string[] {
    if (!this.mempool.has(txid)) throw new Error(`${txid} is not in the mempool`);
    return this.mempool.removeWithDescendants(txid);
  }

  /** Mines `count` blocks on the tip; the options shape the first block's contents. */
  mine(count: number, options: BlockTemplateOptions = {}): StoredBlock[] {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`cannot mine ${count} blocks`);
    const mined: StoredBlock[] = [];
    for (let index = 0; index < count; index++) {
      const explicit = index === 0 ? this.explicitTransactions(options, new Map()) : [];
      mined.push(this.mineBlock(explicit, options.includeMempool ?? true));
    }
    return mined;
  }

  private explicitTransactions(
    options: BlockTemplateOptions,
    pending: Map<string, Transaction>,
  ): Transaction[] {
    const chosen = (options.includeTxids ?? []).map((txid) => {
      const tx = pending.get(txid) ?? this.mempool.get(txid)?.tx;
      if (tx === undefined) throw new Error(`${txid} is not in the mempool`);
      return tx;
    });
    return [...chosen, ...(options.transactions ?? [])];
  }

  /**
   * Disconnects the last `depth` blocks and mines `depth + 1` on their parent. Transactions of the disconnected
   * blocks that the new blocks do not confirm return to the mempool afterwards, unless dropped or now in
   * conflict with the new chain (Core's `MaybeUpdateMempoolForReorg`).
   */
  reorg(depth: number, options: ReorgOptions = {}): StoredBlock[] {
    if (!Number.isInteger(depth) || depth < 1 || depth > this.chain.tip.height) {
      throw new RangeError(`cannot reorg ${depth} blocks at height ${this.chain.tip.height}`);
    }
    const disconnected: Transaction[][] = [];
    for (let index = 0; index < depth; index++) disconnected.unshift(this.chain.disconnectTip());
    const dropped = new Set(options.dropTxids ?? []);
    const returned = new Map<string, Transaction>();
    for (const tx of disconnected.flat()) {
      const txid = tx.getId();
      if (!dropped.has(txid)) returned.set(txid, tx);
    }
    const waiting = [...this.mempool.entries.values()];
    for (const entry of waiting) this.mempool.removeOne(entry.txid);

    const includeReturned = options.includeMempool ?? false;
    const pending = new Map(returned);
    for (const entry of waiting) pending.set(entry.txid, entry.tx);
    const mined: StoredBlock[] = [];
    for (let index = 0; index <= depth; index++) {
      const candidates = includeReturned ? [...pending.values()] : [];
      const explicit = index === 0 ? this.explicitTransactions(options, pending) : [];
      mined.push(this.mineBlock([...explicit, ...this.fitting(candidates, explicit)], false));
    }

    for (const [txid, tx] of returned) {
      if (this.chain.location(txid)) continue;
      try {
        this.acceptToMempool(tx);
      } catch (error) {
        if (!(error instanceof RejectedTransactionError)) throw error;
      }
    }
    for (const entry of waiting) {
      if (this.chain.location(entry.txid)) continue;
      const available = entry.tx.ins.every((input) => {
        const key = outpointKey(txidOf(input.hash), input.index);
        return (
          this.mempool.spenderOf(key) === undefined && (this.chain.utxos.has(key) || this.mempool.output(key))
        );
      });
      if (available) this.mempool.add(entry);
    }
    return mined;
  }

  /** Candidates whose inputs are available after `first`, in order, skipping conflicts and orphans. */
  private fitting(candidates: Transaction[], first: Transaction[]): Transaction[] {
    const spent = new Set<string>();
    const created = new Set<string>();
    const chosen: Transaction[] = [];
    const take = (tx: Transaction) => {
      for (const input of tx.ins) spent.add(outpointKey(txidOf(input.hash), input.index));
      const txid = tx.getId();
      tx.outs.forEach((_output, vout) => {
        created.add(outpointKey(txid, vout));
      });
    };
    first.forEach(take);
    const taken = new Set(first.map((tx) => tx.getId()));
    for (const tx of candidates) {
      const txid = tx.getId();
      if (taken.has(txid) || this.chain.location(txid)) continue;
      const fits = tx.ins.every((input) => {
        const key = outpointKey(txidOf(input.hash), input.index);
        return !spent.has(key) && (this.chain.utxos.has(key) || created.has(key));
      });
      if (!fits) continue;
      take(tx);
      taken.add(txid);
      chosen.push(tx);
    }
    return chosen;
  }

  private mineBlock(explicit: Transaction[], includeMempool: boolean): StoredBlock {
    const mempoolTxs = includeMempool ? [...this.mempool.entries.values()].map((entry) => entry.tx) : [];
    const transactions = [...explicit, ...this.fitting(mempoolTxs, explicit)];
    const parent = this.chain.tip;
    const height = parent.height + 1;
    const fees = this.checkBlockTransactions(transactions, height);

    const coinbase = new Transaction();
    coinbase.version = 2;
    this.extraNonce += 1;
    // BIP34 height first; the extra nonce keeps competing blocks at one height (reorgs) distinct, as a miner's would.
    const extraNonce = Buffer.alloc(4);
    extraNonce.writeUInt32LE(this.extraNonce);
    coinbase.addInput(
      new Uint8Array(32),
      0xffffffff,
      0xffffffff,
      script.compile([script.number.encode(height), extraNonce]),
    );
    coinbase.addOutput(this.coinbaseScript, blockSubsidy(height) + fees);
    // Core's miner always commits to the witness root (BIP141), with a zero witness reserved value.
    coinbase.setWitness(0, [new Uint8Array(32)]);
    const all = [coinbase, ...transactions];
    const commitment = Block.calculateMerkleRoot(all, true);
    coinbase.addOutput(Uint8Array.from([...WITNESS_COMMITMENT_HEADER, ...commitment]), 0n);

    const block = new Block();
    block.version = BLOCK_VERSION;
    block.prevHash = Buffer.from(parent.hash, "hex").reverse();
    block.timestamp = Math.max(this.chain.medianTimePast(parent) + 1, this.clock());
    block.bits = REGTEST_BITS;
    block.nonce = 0;
    block.transactions = all;
    block.merkleRoot = Block.calculateMerkleRoot(all);
    block.witnessCommit = commitment;
    // Real proof of work: the regtest target accepts about every other hash.
    while (!block.checkProofOfWork()) block.nonce += 1;

    const stored = this.chain.connect(block);
    for (const tx of transactions) {
      const txid = tx.getId();
      this.mempool.removeOne(txid);
      for (const input of tx.ins) {
        const conflict = this.mempool.spenderOf(outpointKey(txidOf(input.hash), input.index));
        if (conflict !== undefined && conflict !== txid) this.mempool.removeWithDescendants(conflict);
      }
    }
    return stored;
  }

  /** Validates a block's transactions in order against the UTXO set; returns the fees they pay. */
  private checkBlockTransactions(transactions: Transaction[], height: number): bigint {
    const created = new Map<string, Coin>();
    const spent = new Set<string>();
    const txids = new Set<string>();
    let fees = 0n;
    for (const tx of transactions) {
      const txid = tx.getId();
      if (tx.isCoinbase()) throw new RejectedTransactionError("bad-cb-multiple");
      if (txids.has(txid) || this.chain.location(txid))
        throw new RejectedTransactionError("bad-txns-duplicate");
      txids.add(txid);
      this.checkFinal(tx, height);
      fees += this.checkInputs(
        tx,
        (key) => (spent.has(key) ? undefined : (this.chain.utxos.get(key) ?? created.get(key))),
        height,
      );
      for (const input of tx.ins) spent.add(outpointKey(txidOf(input.hash), input.index));
      tx.outs.forEach((output, vout) => {
        created.set(outpointKey(txid, vout), {
          value: output.value,
          script: output.script,
          height,
          coinbase: false,
        });
      });
    }
    return fees;
  }
}
