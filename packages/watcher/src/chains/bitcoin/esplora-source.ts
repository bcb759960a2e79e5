import type { Chain } from "@paygate/shared";
import { Block, Transaction } from "bitcoinjs-lib";
import {
  type AddressFilter,
  type BlockHeader,
  type ChainSource,
  InconsistentRangeError,
  type MempoolWatch,
  type ScannedBlock,
} from "../source.ts";
import { type EsploraClientOptions, EsploraHttpError, esploraClient } from "./esplora-client.ts";
import { matchMempoolOutputs, matchOutputs } from "./match-outputs.ts";
import { MempoolCache } from "./mempool-cache.ts";
import { chainNetwork } from "./networks.ts";
import { heightsOf, nativeAsset } from "./ranges.ts";

/** Hashes are shown byte-reversed (RPC order); bitcoinjs keeps them in internal order. */
const displayHash = (hash: Uint8Array) => Buffer.from(hash).reverse().toString("hex");

/**
 * An Esplora HTTP API (for operators without a node). Per block, whatever the number of watched addresses:
 * `/block-height/:height` and `/block/:hash/raw`, the raw block parsed with bitcoinjs-lib and its outputs
 * matched here. Per poll: the tip, then for the mempool each open intent's address
 * (`/address/:address/txs/mempool`) and `/tx/:txid/hex` for transactions not seen before: Esplora has no
 * whole-mempool listing with contents, so this part grows with the addresses awaiting payment.
 */
export function createEsploraSource(
  chain: Chain,
  url: string,
  options: EsploraClientOptions = {},
): ChainSource {
  const esplora = esploraClient(url, options);
  const network = chainNetwork(chain);
  const asset = nativeAsset(chain);
  const seen = new MempoolCache();

  const hashAt = (height: number) => esplora.text("GET /block-height/:height", `/block-height/${height}`);

  async function blockAt(height: number, watched: AddressFilter): Promise<ScannedBlock> {
    const hash = await hashAt(height);
    const block = Block.fromBuffer(await esplora.binary("GET /block/:hash/raw", `/block/${hash}/raw`));
    if (block.getId() !== hash) {
      throw new InconsistentRangeError(
        chain.id,
        BigInt(height),
        BigInt(height),
        `block ${hash} hashes otherwise`,
      );
    }
    return {
      number: BigInt(height),
      hash,
      parentHash: displayHash(block.prevHash!),
      timestamp: new Date(block.timestamp * 1000),
      transfers: (block.transactions ?? []).flatMap((tx) => matchOutputs(tx, network, watched, asset)),
    };
  }

  async function headerAt(height: number): Promise<BlockHeader> {
    const hash = await hashAt(height);
    const header = Block.fromHex(await esplora.text("GET /block/:hash/header", `/block/${hash}/header`));
    return {
      number: BigInt(height),
      hash,
      parentHash: displayHash(header.prevHash!),
      timestamp: new Date(header.timestamp * 1000),
    };
  }

  /** A block replaced between two requests answers 404: the range is retried, not failed. */
  const consistently = async <T>(from: bigint, to: bigint, read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      if (error instanceof EsploraHttpError && error.status === 404) {
        throw new InconsistentRangeError(chain.id, from, to, error.message);
      }
      throw error;
    }
  };

  return {
    chain,
    addressKey: (address) => address,

    async head() {
      const height = Number(await esplora.text("GET /blocks/tip/height", "/blocks/tip/height"));
      const hash = await consistently(BigInt(height), BigInt(height), () => hashAt(height));
      return { number: BigInt(height), hash };
    },

    async blocks(from, to, watched) {
      const blocks = await consistently(from, to, () =>
        Promise.all(heightsOf(from, to).map((height) => blockAt(height, watched))),
      );
      blocks.forEach((block, i) => {
        if (i > 0 && block.parentHash !== blocks[i - 1]!.hash) {
          throw new InconsistentRangeError(chain.id, from, to, `block ${block.number} does not link`);
        }
      });
      return blocks;
    },

    headers(from, to) {
      return consistently(from, to, () => Promise.all(heightsOf(from, to).map(headerAt)));
    },

    async mempool(watch: MempoolWatch) {
      const listed = new Set<string>();
      await Promise.all(
        (await watch.openAddresses()).map(async (address) => {
          const txs = await esplora.json<{ txid: string }[]>(
            "GET /address/:address/txs/mempool",
            `/address/${address}/txs/mempool`,
          );
          for (const tx of txs) listed.add(tx.txid);
        }),
      );
      await watch.refresh();
      await Promise.all(
        [...listed]
          .filter((txid) => !seen.has(txid))
          .map(async (txid) => {
            try {
              const tx = Transaction.fromHex(await esplora.text("GET /tx/:txid/hex", `/tx/${txid}/hex`));
              seen.set(txid, matchMempoolOutputs(tx, network, watch, asset, txid));
            } catch (error) {
              // mined or evicted since the listing; a block scan or the next poll tells which
              if (!(error instanceof EsploraHttpError && error.status === 404)) throw error;
            }
          }),
      );
      const tipHash = await esplora.text("GET /blocks/tip/hash", "/blocks/tip/hash");
      return { tipHash, transfers: seen.retain(listed) };
    },
  };
}
