import type { Chain } from "@paygate/shared";
import { createPublicClient, getAddress, type Hash, numberToHex, parseAbiItem, type Transport } from "viem";
import {
  type BlockHeader,
  type ChainSource,
  InconsistentRangeError,
  type ScannedBlock,
  type SkippedObservation,
  type Transfer,
} from "../source.ts";
import {
  type CallFrame,
  matchInternalTransfers,
  matchNativeTransactions,
  matchTokenTransfers,
} from "./match-transfers.ts";

const transferEvent = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");

/**
 * An EVM chain over JSON-RPC. The cost of a block does not depend on how many addresses are watched: one
 * `eth_getBlockByNumber` with transactions, one `eth_getLogs` for the Transfer topic of the configured tokens
 * (matched here on the `to` topic), a receipt only for a matching native transfer, and with
 * `internal_transfers` one `debug_traceBlockByNumber`. A range is the same calls, batched.
 */
export function createEvmSource(chain: Chain, transport: Transport): ChainSource {
  const client = createPublicClient({ transport, cacheTime: 0 });
  const native = chain.assets.find((asset) => asset.type === "native");
  const tokens = new Map(
    chain.assets
      .filter((asset) => asset.type === "erc20" && asset.contract)
      .map((asset) => [asset.contract!.toLowerCase(), asset.symbol]),
  );
  const tokenContracts = [...tokens.keys()] as `0x${string}`[];

  async function traceBlock(number: bigint): Promise<{ txHash: string; result: CallFrame }[]> {
    return client.request<{
      Method: "debug_traceBlockByNumber";
      Parameters: [`0x${string}`, { tracer: "callTracer" }];
      ReturnType: { txHash: string; result: CallFrame }[];
    }>({ method: "debug_traceBlockByNumber", params: [numberToHex(number), { tracer: "callTracer" }] });
  }

  return {
    chain,
    addressKey: (address) => address.toLowerCase(),

    async head() {
      const block = await client.getBlock({ blockTag: "latest" });
      return { number: block.number, hash: block.hash };
    },

    async blocks(from, to, watched) {
      const numbers = range(from, to);
      const [blocks, logs, traces] = await Promise.all([
        Promise.all(
          numbers.map((blockNumber) => client.getBlock({ blockNumber, includeTransactions: true })),
        ),
        tokenContracts.length > 0
          ? client.getLogs({ address: tokenContracts, event: transferEvent, fromBlock: from, toBlock: to })
          : Promise.resolve([]),
        chain.internalTransfers && native ? Promise.all(numbers.map(traceBlock)) : Promise.resolve(undefined),
      ]);
      const fail = (reason: string) => new InconsistentRangeError(chain.id, from, to, reason);
      blocks.forEach((block, i) => {
        if (i > 0 && block.parentHash !== blocks[i - 1]!.hash)
          throw fail(`block ${block.number} does not link`);
      });
      const hashAt = new Map(blocks.map((block) => [block.number, block.hash as string]));
      const transfers = new Map<bigint, Transfer[]>(blocks.map((block) => [block.number, []]));
      const skipped = new Map<bigint, SkippedObservation[]>(blocks.map((block) => [block.number, []]));

      if (native) {
        const candidates = blocks.flatMap((block) =>
          matchNativeTransactions(block.transactions, watched, skipped.get(block.number)).map(
            (candidate) => ({
              ...candidate,
              block,
            }),
          ),
        );
        const receipts = await Promise.all(
          candidates.map(({ txHash }) => client.getTransactionReceipt({ hash: txHash as Hash })),
        );
        candidates.forEach((candidate, i) => {
          const receipt = receipts[i]!;
          if (receipt.blockHash !== candidate.block.hash) throw fail(`receipt of ${candidate.txHash} moved`);
          if (receipt.status !== "success") return; // a failed transaction moved nothing
          transfers.get(candidate.block.number)!.push({
            address: getAddress(candidate.to),
            asset: native.symbol,
            txHash: candidate.txHash,
            index: 0,
            amount: candidate.amount,
          });
        });
        traces?.forEach((blockTraces, i) => {
          const block = blocks[i]!;
          if (blockTraces.length !== block.transactions.length)
            throw fail(`traces of ${block.number} differ`);
          for (const match of matchInternalTransfers(blockTraces, watched)) {
            transfers.get(block.number)!.push({
              address: getAddress(match.to),
              asset: native.symbol,
              txHash: match.txHash,
              index: match.index,
              amount: match.amount,
            });
          }
        });
      }

      const skippedLogs: (SkippedObservation & { blockNumber: bigint | null })[] = [];
      for (const match of matchTokenTransfers(logs, watched, skippedLogs)) {
        if (hashAt.get(match.blockNumber) !== match.blockHash)
          throw fail(`log of ${match.txHash} is off-chain`);
        transfers.get(match.blockNumber)!.push({
          address: getAddress(match.to),
          asset: tokens.get(match.contract)!,
          txHash: match.txHash,
          index: match.index,
          amount: match.amount,
        });
      }

      for (const { blockNumber, ...skip } of skippedLogs) {
        (skipped.get(blockNumber ?? from) ?? skipped.get(from)!).push(skip);
      }

      return blocks.map(
        (block): ScannedBlock => ({
          number: block.number,
          hash: block.hash,
          parentHash: block.parentHash,
          timestamp: new Date(Number(block.timestamp) * 1000),
          transfers: transfers.get(block.number)!,
          skipped: skipped.get(block.number)!,
        }),
      );
    },

    async headers(from, to) {
      const blocks = await Promise.all(
        range(from, to).map((blockNumber) => client.getBlock({ blockNumber })),
      );
      return blocks.map(
        (block): BlockHeader => ({
          number: block.number,
          hash: block.hash,
          parentHash: block.parentHash,
          timestamp: new Date(Number(block.timestamp) * 1000),
        }),
      );
    },

    async finalized() {
      return (await client.getBlock({ blockTag: "finalized" })).number;
    },
  };
}

function range(from: bigint, to: bigint): bigint[] {
  const numbers: bigint[] = [];
  for (let n = from; n <= to; n++) numbers.push(n);
  return numbers;
}
