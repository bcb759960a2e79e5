import { randomBytes } from "node:crypto";
import { type Network, Transaction } from "bitcoinjs-lib";
import { txidOf } from "./chain.ts";
import { MIN_RELAY_FEE_RATE, REGTEST } from "./consensus.ts";
import type { Endpoint, ServerControl } from "./endpoint.ts";
import { type EsploraControl, startEsploraServer } from "./esplora-server.ts";
import { type BlockTemplateOptions, RegtestNode, type ReorgOptions } from "./node.ts";
import { startRpcServer } from "./rpc-server.ts";
import { outputScriptFor, SimWallet, type TxOutput } from "./wallet.ts";

export interface BitcoinSimOptions {
  /** JSON-RPC basic-auth credentials (default `simulator` / `regtest`). */
  rpcUser?: string;
  rpcPassword?: string;
  /** Serve confirmed transactions from `getrawtransaction` without a block hash, like `-txindex=1` (default false). */
  txindex?: boolean;
  /** Blocks mined at start to fund the wallet; coinbase outputs mature after 100 more (default 120). */
  initialBlocks?: number;
  /** The wallet's BIP32 seed (default random). */
  seed?: Uint8Array;
  /** Unix seconds for block times and mempool entry times (default the wall clock). */
  clock?: () => number;
}

export interface Payment {
  /** A regtest address of any type: P2PKH (m/n), P2SH (2), P2WPKH/P2WSH (bcrt1q), P2TR (bcrt1p). */
  to: string;
  amountSats: bigint;
}

export interface SendOptions {
  /** Signal BIP125 replaceability (default true, as Core's wallet). Full RBF replaces either way. */
  rbf?: boolean;
  /** sat/vB (default 2). */
  feeRate?: number;
}

export interface ConflictOptions {
  /** Pay here instead; default the original's payment outputs (a plain fee bump). */
  to?: string;
  /** Amount to `to` (default the original payment's amount). */
  amountSats?: bigint;
  feeRate?: number;
}

export interface RpcControl extends ServerControl {
  readonly user: string;
  readonly password: string;
}

export interface BitcoinSim {
  readonly network: Network;
  /** Bitcoin Core JSON-RPC (POST, basic auth). */
  readonly rpc: RpcControl;
  /** Esplora REST; `url` has no trailing slash, as clients expect a base like https://mempool.space/api. */
  readonly esplora: EsploraControl;
  /** The chain, mempool and validation behind both servers, for direct inspection. */
  readonly node: RegtestNode;
  readonly wallet: SimWallet;
  tipHeight(): number;
  tipHash(): string;
  blockHash(height: number): string;
  /** Mines blocks (default: one, with the whole mempool); returns their hashes. */
  mine(count?: number, options?: BlockTemplateOptions): string[];
  /** Pays one address from the wallet and broadcasts it; returns the txid. */
  send(payment: Payment & SendOptions): string;
  /** One transaction paying several addresses. */
  sendMany(payments: Payment[], options?: SendOptions): string;
  /** A signed transaction the wallet builds but does not broadcast. */
  createTransaction(payments: Payment[], options?: SendOptions): Transaction;
  /**
   * RBF: a transaction spending the same inputs as mempool transaction `txid` with a higher fee, broadcast so
   * that it evicts the original and its descendants. Returns the replacement's txid.
   */
  replace(txid: string, options?: ConflictOptions): string;
  /** A double spend of `txid` (mempool or confirmed), not broadcast: for `mine`/`reorg` `transactions`. */
  createConflict(txid: string, options?: ConflictOptions): Transaction;
  /** Submits a transaction (object or hex) to the mempool; throws `RejectedTransactionError`. */
  broadcast(tx: Transaction | string): string;
  /** Submits again a transaction seen before (dropped, replaced or reorged out). */
  rebroadcast(txid: string): string;
  /** Evicts a mempool transaction and its descendants without mining them; returns the evicted txids. */
  drop(txid: string): string[];
  /** Disconnects `depth` blocks and mines `depth + 1`; returns the new blocks' hashes. */
  reorg(depth: number, options?: ReorgOptions): string[];
  mempool(): string[];
  transaction(txid: string): Transaction | undefined;
  close(): Promise<void>;
}

/** Starts a regtest node simulation with its wallet, a Bitcoin Core JSON-RPC server and an Esplora server. */
export async function startBitcoinSim(options: BitcoinSimOptions = {}): Promise<BitcoinSim> {
  const clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  const wallet = new SimWallet(options.seed ?? randomBytes(32));
  const node = new RegtestNode(clock, wallet.miningScript);
  node.mine(options.initialBlocks ?? 120);

  const user = options.rpcUser ?? "simulator";
  const password = options.rpcPassword ?? "regtest";
  const rpcEndpoint = await startRpcServer(node, { user, password, txindex: options.txindex ?? false });
  const esplora = await startEsploraServer(node);
  const rpc = Object.assign(rpcEndpoint, { user, password });

  const paymentOutputs = (payments: Payment[]): TxOutput[] =>
    payments.map(({ to, amountSats }) => ({ script: outputScriptFor(to), value: amountSats }));

  const broadcast = (tx: Transaction | string) => {
    const parsed = typeof tx === "string" ? Transaction.fromHex(tx) : tx;
    const txid = parsed.getId();
    return node.mempool.has(txid) ? txid : node.acceptToMempool(parsed).txid;
  };

  const createConflict = (txid: string, conflict: ConflictOptions = {}) => {
    const original = node.mempool.get(txid)?.tx ?? node.chain.knownTransactions.get(txid);
    if (original === undefined) throw new Error(`unknown transaction ${txid}`);
    const payments = original.outs.filter((output) => !wallet.owns(output.script));
    const first = payments[0] ?? original.outs[0];
    let outputs: TxOutput[] = payments.map((output) => ({ script: output.script, value: output.value }));
    if (conflict.to !== undefined || conflict.amountSats !== undefined) {
      outputs = [
        {
          script: conflict.to === undefined ? (first?.script as Uint8Array) : outputScriptFor(conflict.to),
          value: conflict.amountSats ?? first?.value ?? 0n,
        },
      ];
    }
    const replaced = node.mempool.has(txid) ? node.mempool.withDescendants(txid) : [];
    const originalEntry = node.mempool.get(txid);
    const replacedFees = replaced.reduce((sum, entry) => sum + entry.fee, 0n);
    return wallet.createTransaction(node, {
      outputs,
      feeRate: conflict.feeRate,
      inputs: original.ins.map((input) => ({ txid: txidOf(input.hash), vout: input.index })),
      locktime: original.locktime,
      excludeTxids: new Set([txid, ...replaced.map((entry) => entry.txid)]),
      // BIP125: pay for the replaced transactions plus relay of the replacement, at a higher feerate.
      minimumFee: (vsize) => {
        if (originalEntry === undefined) return 0n;
        const byRelay = replacedFees + BigInt(vsize * MIN_RELAY_FEE_RATE);
        const byRate = (originalEntry.fee * BigInt(vsize)) / BigInt(originalEntry.vsize) + 1n;
        return byRelay > byRate ? byRelay : byRate;
      },
    });
  };

  const sim: BitcoinSim = {
    network: REGTEST,
    rpc,
    esplora,
    node,
    wallet,
    tipHeight: () => node.chain.tip.height,
    tipHash: () => node.chain.tip.hash,
    blockHash: (height) => {
      const stored = node.chain.active[height];
      if (stored === undefined) throw new RangeError(`no block at height ${height}`);
      return stored.hash;
    },
    mine: (count = 1, mineOptions = {}) => node.mine(count, mineOptions).map((stored) => stored.hash),
    send: ({ to, amountSats, ...sendOptions }) => sim.sendMany([{ to, amountSats }], sendOptions),
    sendMany: (payments, sendOptions = {}) => broadcast(sim.createTransaction(payments, sendOptions)),
    createTransaction: (payments, sendOptions = {}) =>
      wallet.createTransaction(node, { outputs: paymentOutputs(payments), ...sendOptions }),
    replace: (txid, conflict = {}) => {
      if (!node.mempool.has(txid)) throw new Error(`${txid} is not in the mempool`);
      return broadcast(createConflict(txid, conflict));
    },
    createConflict,
    broadcast,
    rebroadcast: (txid) => {
      const tx = node.chain.knownTransactions.get(txid);
      if (tx === undefined) throw new Error(`unknown transaction ${txid}`);
      return broadcast(tx);
    },
    drop: (txid) => node.drop(txid),
    reorg: (depth, reorgOptions = {}) => node.reorg(depth, reorgOptions).map((stored) => stored.hash),
    mempool: () => node.mempool.txids(),
    transaction: (txid) => node.chain.knownTransactions.get(txid),
    close: async () => {
      await Promise.all([(rpcEndpoint as Endpoint).close(), esplora.close()]);
    },
  };
  return sim;
}
