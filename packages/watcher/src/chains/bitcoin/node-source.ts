import type { Chain } from "@paygate/shared";
import { Transaction } from "bitcoinjs-lib";
import {
  type BlockHeader,
  type ChainSource,
  InconsistentRangeError,
  type MempoolWatch,
  type ScannedBlock,
} from "../source.ts";
import { type JsonRpcOptions, jsonRpcClient, RPC_INVALID_ADDRESS_OR_KEY } from "./json-rpc.ts";
import { matchMempoolOutputs, matchOutputs } from "./match-outputs.ts";
import { MempoolCache } from "./mempool-cache.ts";
import { chainNetwork } from "./networks.ts";
import { heightsOf, nativeAsset } from "./ranges.ts";

/** `getblock` verbosity 2: the header fields we need and every transaction with its raw hex. */
interface CoreBlock {
  hash: string;
  height: number;
  previousblockhash?: string;
  time: number;
  tx: { txid: string; hex: string }[];
}

interface CoreHeader {
  hash: string;
  height: number;
  previousblockhash?: string;
  time: number;
}

/** A full mainnet block at verbosity 2 is megabytes of JSON: a handful per HTTP request keeps memory flat. */
const BLOCKS_PER_REQUEST = 8;
const TRANSACTIONS_PER_REQUEST = 500;
const GENESIS_PARENT = "0".repeat(64);

/**
 * Bitcoin Core over JSON-RPC. Per block, whatever the number of watched addresses: `getblockhash` and
 * `getblock` (verbosity 2), batched over a range; outputs are matched here by scriptPubKey, and amounts read
 * from each transaction's raw hex (exact satoshi; the JSON `value` is a float). Per poll: `getblockchaininfo`,
 * then `getrawmempool` with `getbestblockhash` in one batch, and `getrawtransaction` only for txids the
 * previous poll did not list.
 */
export function createNodeSource(chain: Chain, url: string, options: JsonRpcOptions = {}): ChainSource {
  const rpc = jsonRpcClient(url, options);
  const network = chainNetwork(chain);
  const asset = nativeAsset(chain);
  const seen = new MempoolCache();

  const hashesOf = (from: bigint, to: bigint) =>
    rpc.batchResults<string>(
      heightsOf(from, to).map((height) => ({ method: "getblockhash", params: [height] })),
    );

  const linked = (from: bigint, to: bigint, headers: readonly BlockHeader[]) => {
    headers.forEach((header, i) => {
      if (i > 0 && header.parentHash !== headers[i - 1]!.hash) {
        throw new InconsistentRangeError(chain.id, from, to, `block ${header.number} does not link`);
      }
    });
  };

  return {
    chain,
    addressKey: (address) => address,

    async head() {
      const info = await rpc.call<{ blocks: number; bestblockhash: string }>("getblockchaininfo");
      return { number: BigInt(info.blocks), hash: info.bestblockhash };
    },

    async blocks(from, to, watched) {
      const hashes = await hashesOf(from, to);
      const scanned: ScannedBlock[] = [];
      for (let i = 0; i < hashes.length; i += BLOCKS_PER_REQUEST) {
        const chunk = hashes.slice(i, i + BLOCKS_PER_REQUEST);
        const blocks = await rpc.batchResults<CoreBlock>(
          chunk.map((hash) => ({ method: "getblock", params: [hash, 2] })),
        );
        for (const block of blocks) {
          scanned.push({
            number: BigInt(block.height),
            hash: block.hash,
            parentHash: block.previousblockhash ?? GENESIS_PARENT,
            timestamp: new Date(block.time * 1000),
            transfers: block.tx.flatMap((tx) =>
              matchOutputs(Transaction.fromHex(tx.hex), network, watched, asset, tx.txid),
            ),
          });
        }
      }
      linked(from, to, scanned);
      return scanned;
    },

    async headers(from, to) {
      const hashes = await hashesOf(from, to);
      const headers = await rpc.batchResults<CoreHeader>(
        hashes.map((hash) => ({ method: "getblockheader", params: [hash, true] })),
      );
      return headers.map(
        (header): BlockHeader => ({
          number: BigInt(header.height),
          hash: header.hash,
          parentHash: header.previousblockhash ?? GENESIS_PARENT,
          timestamp: new Date(header.time * 1000),
        }),
      );
    },

    async mempool(watch: MempoolWatch) {
      // Core runs a batch in order: the tip is read after the mempool listing
      const [txids, tipHash] = (await rpc.batchResults<unknown>([
        { method: "getrawmempool", params: [false] },
        { method: "getbestblockhash", params: [] },
      ])) as [string[], string];
      await watch.refresh();
      const unseen = txids.filter((txid) => !seen.has(txid));
      for (let i = 0; i < unseen.length; i += TRANSACTIONS_PER_REQUEST) {
        const chunk = unseen.slice(i, i + TRANSACTIONS_PER_REQUEST);
        const outcomes = await rpc.batch(
          chunk.map((txid) => ({ method: "getrawtransaction", params: [txid, 0] })),
        );
        outcomes.forEach((outcome, j) => {
          const txid = chunk[j]!;
          if (outcome.ok) {
            const tx = Transaction.fromHex(outcome.result as string);
            seen.set(txid, matchMempoolOutputs(tx, network, watch, asset, txid));
          } else if (outcome.error.code !== RPC_INVALID_ADDRESS_OR_KEY) {
            throw outcome.error;
          }
          // -5: mined or evicted since the listing; a block scan or the next poll tells which
        });
      }
      return { tipHash, transfers: seen.retain(new Set(txids)) };
    },
  };
}
