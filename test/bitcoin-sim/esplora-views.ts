import type { Transaction } from "bitcoinjs-lib";
import { outpointKey, type StoredBlock, txidOf } from "./chain.ts";
import { difficulty } from "./consensus.ts";
import type { RegtestNode } from "./node.ts";
import { esploraAsm, esploraScriptType, scriptAddress } from "./scripts.ts";

// The JSON shapes electrs serves (Blockstream/electrs src/rest.rs: BlockValue, TransactionValue, TxInValue, ...).
// Amounts are satoshis as JSON numbers; every amount on a chain fits a double exactly.
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

export function esploraOutput(output: Transaction["outs"][number]) {
  return {
    scriptpubkey: hex(output.script),
    scriptpubkey_asm: esploraAsm(output.script),
    scriptpubkey_type: esploraScriptType(output.script),
    scriptpubkey_address: scriptAddress(output.script),
    value: Number(output.value),
  };
}

/** `TransactionStatus`: block fields only once confirmed on the best chain. */
export function esploraStatus(node: RegtestNode, txid: string) {
  const location = node.chain.location(txid);
  if (location === undefined) return { confirmed: false };
  return {
    confirmed: true,
    block_height: location.block.height,
    block_hash: location.block.hash,
    block_time: location.block.block.timestamp,
  };
}

export function esploraTransaction(node: RegtestNode, tx: Transaction) {
  const coinbase = tx.isCoinbase();
  let valueIn = 0n;
  const vin = tx.ins.map((input) => {
    const previousTxid = txidOf(input.hash);
    const spent = coinbase ? undefined : node.chain.previousOutput(previousTxid, input.index);
    valueIn += spent?.value ?? 0n;
    return {
      txid: previousTxid,
      vout: input.index,
      prevout: spent ? esploraOutput(spent) : null,
      scriptsig: hex(input.script),
      scriptsig_asm: esploraAsm(input.script),
      witness: input.witness.length > 0 ? input.witness.map(hex) : undefined,
      is_coinbase: coinbase,
      sequence: input.sequence,
    };
  });
  const valueOut = tx.outs.reduce((sum, output) => sum + output.value, 0n);
  const txid = tx.getId();
  return {
    txid,
    version: tx.version >>> 0,
    locktime: tx.locktime,
    vin,
    vout: tx.outs.map(esploraOutput),
    size: tx.byteLength(),
    weight: tx.weight(),
    fee: coinbase ? 0 : Number(valueIn - valueOut),
    status: esploraStatus(node, txid),
  };
}

/** `BlockValue`; electrs serves `bits` as the compact integer and `difficulty` as a plain f64. */
export function esploraBlock(stored: StoredBlock) {
  const { block } = stored;
  return {
    id: stored.hash,
    height: stored.height,
    version: block.version >>> 0,
    timestamp: block.timestamp,
    tx_count: stored.transactions.length,
    size: stored.size,
    weight: stored.weight,
    merkle_root: txidOf(block.merkleRoot as Uint8Array),
    previousblockhash: stored.height > 0 ? stored.previousHash : undefined,
    mediantime: stored.mediantime,
    nonce: block.nonce,
    bits: block.bits,
    difficulty: difficulty(block.bits),
  };
}

interface ScriptStats {
  funded_txo_count: number;
  funded_txo_sum: number;
  spent_txo_count: number;
  spent_txo_sum: number;
  tx_count: number;
}

/** `/address/:address` funding and spending totals, over the given transactions. */
export function scriptStats(node: RegtestNode, transactions: Transaction[], scriptHex: string): ScriptStats {
  const stats = { funded_txo_count: 0, funded_txo_sum: 0, spent_txo_count: 0, spent_txo_sum: 0, tx_count: 0 };
  for (const tx of transactions) {
    stats.tx_count += 1;
    for (const output of tx.outs) {
      if (hex(output.script) !== scriptHex) continue;
      stats.funded_txo_count += 1;
      stats.funded_txo_sum += Number(output.value);
    }
    for (const input of tx.isCoinbase() ? [] : tx.ins) {
      const spent = node.chain.previousOutput(txidOf(input.hash), input.index);
      if (spent === undefined || hex(spent.script) !== scriptHex) continue;
      stats.spent_txo_count += 1;
      stats.spent_txo_sum += Number(spent.value);
    }
  }
  return stats;
}

/** Mempool transactions paying to or spending from a script, newest first. */
export function mempoolHistory(node: RegtestNode, scriptHex: string): Transaction[] {
  const touching: Transaction[] = [];
  for (const entry of node.mempool.entries.values()) {
    const pays = entry.tx.outs.some((output) => hex(output.script) === scriptHex);
    const spends = entry.tx.ins.some((input) => {
      const spent = node.chain.previousOutput(txidOf(input.hash), input.index);
      return spent !== undefined && hex(spent.script) === scriptHex;
    });
    if (pays || spends) touching.push(entry.tx);
  }
  return touching.reverse();
}

/** Confirmed transactions touching a script on the best chain, newest first. */
export function chainHistory(node: RegtestNode, scriptHex: string): Transaction[] {
  return node.chain
    .scriptHistory(scriptHex)
    .map((txid) => {
      const location = node.chain.location(txid);
      return location?.block.transactions[location.index];
    })
    .filter((tx): tx is Transaction => tx !== undefined)
    .reverse();
}

/** `/address/:address/utxo`: confirmed outputs not spent in the mempool, then unconfirmed ones. */
export function scriptUtxos(node: RegtestNode, scriptHex: string) {
  const utxos: Array<{
    txid: string;
    vout: number;
    status: ReturnType<typeof esploraStatus>;
    value: number;
  }> = [];
  for (const [key, coin] of node.chain.utxos) {
    if (hex(coin.script) !== scriptHex || node.mempool.spenderOf(key) !== undefined) continue;
    const separator = key.lastIndexOf(":");
    const txid = key.slice(0, separator);
    utxos.push({
      txid,
      vout: Number(key.slice(separator + 1)),
      status: esploraStatus(node, txid),
      value: Number(coin.value),
    });
  }
  for (const entry of node.mempool.entries.values()) {
    entry.tx.outs.forEach((output, vout) => {
      if (
        hex(output.script) !== scriptHex ||
        node.mempool.spenderOf(outpointKey(entry.txid, vout)) !== undefined
      )
        return;
      utxos.push({ txid: entry.txid, vout, status: { confirmed: false }, value: Number(output.value) });
    });
  }
  return utxos;
}
