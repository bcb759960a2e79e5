import type { Transaction } from "bitcoinjs-lib";
import { type StoredBlock, txidOf } from "./chain.ts";
import { difficulty, REGTEST_BITS } from "./consensus.ts";
import { btc, coreFloat } from "./core-json.ts";
import { inferDescriptor } from "./descriptors.ts";
import type { MempoolEntry } from "./mempool.ts";
import type { RegtestNode } from "./node.ts";
import { coreAsm, coreScriptType, scriptAddress } from "./scripts.ts";

// The JSON shapes Bitcoin Core v28 answers with (src/core_write.cpp, src/rpc/blockchain.cpp, src/rpc/mempool.cpp).
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

export function scriptPubKeyView(output: Uint8Array) {
  return {
    asm: coreAsm(output),
    desc: inferDescriptor(output),
    hex: hex(output),
    address: scriptAddress(output),
    type: coreScriptType(output),
  };
}

export type TxVerbosity = "summary" | "details" | "prevouts";

/** `TxToUniv`: `details` adds the fee, `prevouts` also each input's spent output (verbosity 2 / getblock 3). */
export function transactionView(node: RegtestNode, tx: Transaction, verbosity: TxVerbosity = "summary") {
  const coinbase = tx.isCoinbase();
  let valueIn = 0n;
  const vin = tx.ins.map((input) => {
    const witness = input.witness.length > 0 ? input.witness.map(hex) : undefined;
    if (coinbase) return { coinbase: hex(input.script), txinwitness: witness, sequence: input.sequence };
    const previousTxid = txidOf(input.hash);
    const spent = node.chain.previousOutput(previousTxid, input.index);
    valueIn += spent?.value ?? 0n;
    const location = node.chain.location(previousTxid);
    const prevout =
      verbosity === "prevouts" && spent
        ? {
            generated: location?.index === 0,
            height: location?.block.height ?? node.chain.tip.height + 1,
            value: btc(spent.value),
            scriptPubKey: scriptPubKeyView(spent.script),
          }
        : undefined;
    return {
      txid: previousTxid,
      vout: input.index,
      scriptSig: { asm: coreAsm(input.script, true), hex: hex(input.script) },
      txinwitness: witness,
      prevout,
      sequence: input.sequence,
    };
  });
  const valueOut = tx.outs.reduce((sum, output) => sum + output.value, 0n);
  return {
    txid: tx.getId(),
    hash: txidOf(tx.getHash(true)),
    version: tx.version,
    size: tx.byteLength(),
    vsize: tx.virtualSize(),
    weight: tx.weight(),
    locktime: tx.locktime,
    vin,
    vout: tx.outs.map((output, n) => ({
      value: btc(output.value),
      n,
      scriptPubKey: scriptPubKeyView(output.script),
    })),
    fee: verbosity !== "summary" && !coinbase ? btc(valueIn - valueOut) : undefined,
    hex: tx.toHex(),
  };
}

export function blockHeaderView(node: RegtestNode, stored: StoredBlock) {
  const { block } = stored;
  return {
    hash: stored.hash,
    confirmations: node.chain.confirmations(stored),
    height: stored.height,
    version: block.version,
    versionHex: (block.version >>> 0).toString(16).padStart(8, "0"),
    merkleroot: txidOf(block.merkleRoot as Uint8Array),
    time: block.timestamp,
    mediantime: stored.mediantime,
    nonce: block.nonce,
    bits: block.bits.toString(16).padStart(8, "0"),
    difficulty: coreFloat(difficulty(block.bits)),
    chainwork: stored.chainwork.toString(16).padStart(64, "0"),
    nTx: stored.transactions.length,
    previousblockhash: stored.height > 0 ? stored.previousHash : undefined,
    nextblockhash: node.chain.nextOnActiveChain(stored)?.hash,
  };
}

/** `getblock` at verbosity 1 (txids), 2 (transactions with fees) or 3 (and prevouts). */
export function blockView(node: RegtestNode, stored: StoredBlock, verbosity: 1 | 2 | 3) {
  const txVerbosity: TxVerbosity = verbosity === 3 ? "prevouts" : "details";
  return {
    ...blockHeaderView(node, stored),
    strippedsize: stored.strippedSize,
    size: stored.size,
    weight: stored.weight,
    tx:
      verbosity === 1
        ? stored.txids
        : stored.transactions.map((tx) => transactionView(node, tx, txVerbosity)),
  };
}

export function blockchainInfoView(node: RegtestNode) {
  const tip = node.chain.tip;
  return {
    chain: "regtest",
    blocks: tip.height,
    headers: tip.height,
    bestblockhash: tip.hash,
    difficulty: coreFloat(difficulty(REGTEST_BITS)),
    time: tip.block.timestamp,
    mediantime: tip.mediantime,
    verificationprogress: 1,
    initialblockdownload: false,
    chainwork: tip.chainwork.toString(16).padStart(64, "0"),
    size_on_disk: node.chain.active.reduce((sum, stored) => sum + stored.size, 0),
    pruned: false,
    warnings: [],
  };
}

/** `entryToJSON` (getrawmempool true, getmempoolentry). */
export function mempoolEntryView(node: RegtestNode, entry: MempoolEntry) {
  const ancestors = node.mempool.withAncestors(entry.txid);
  const descendants = node.mempool.withDescendants(entry.txid);
  const sum = (entries: MempoolEntry[], pick: (entry: MempoolEntry) => bigint) =>
    entries.reduce((total, item) => total + pick(item), 0n);
  return {
    vsize: entry.vsize,
    weight: entry.weight,
    time: entry.time,
    height: entry.height,
    descendantcount: descendants.length,
    descendantsize: Number(sum(descendants, (item) => BigInt(item.vsize))),
    ancestorcount: ancestors.length,
    ancestorsize: Number(sum(ancestors, (item) => BigInt(item.vsize))),
    wtxid: entry.wtxid,
    fees: {
      base: btc(entry.fee),
      modified: btc(entry.fee),
      ancestor: btc(sum(ancestors, (item) => item.fee)),
      descendant: btc(sum(descendants, (item) => item.fee)),
    },
    depends: node.mempool.parents(entry).map((parent) => parent.txid),
    spentby: node.mempool.children(entry).map((child) => child.txid),
    "bip125-replaceable": node.mempool.signalsReplacement(entry.txid),
    unbroadcast: false,
  };
}
