import { randomBytes } from "node:crypto";
import { type Chain, chainPresets } from "@paygate/shared";
import { type ChainSource, createChainSource } from "@paygate/watcher";
import { address } from "bitcoinjs-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BitcoinSim, startBitcoinSim } from "./bitcoin-sim/index.ts";
import { type BitcoinBackendKind, backendUrlOf } from "./support/bitcoin-stack.ts";

/**
 * The cost of scanning a Bitcoin block does not depend on how many addresses are watched: the same backend
 * requests with 10 and with 100,000 (node: every request, mempool included; Esplora: the block requests, while
 * its mempool read asks once per address still awaiting payment, which is how Esplora's API is shaped).
 */
let sim: BitcoinSim;
let paid: string;
let from: bigint;
let to: bigint;
const mempoolTxids: string[] = [];
const randomAddress = () => address.toBech32(randomBytes(20), 0, "bcrt");

beforeAll(async () => {
  sim = await startBitcoinSim();
  paid = randomAddress();
  from = BigInt(sim.tipHeight() + 1);
  sim.send({ to: paid, amountSats: 150_000n });
  sim.send({ to: randomAddress(), amountSats: 20_000n });
  sim.mine(1);
  sim.sendMany([
    { to: paid, amountSats: 1n * 10n ** 8n },
    { to: randomAddress(), amountSats: 5_000n },
  ]);
  sim.mine(3);
  to = BigInt(sim.tipHeight());
  mempoolTxids.push(
    sim.send({ to: paid, amountSats: 77_777n }),
    sim.send({ to: randomAddress(), amountSats: 999n }),
  );
});

afterAll(async () => {
  await sim?.close();
});

function chainFor(kind: BitcoinBackendKind): Chain {
  const preset = chainPresets.find((chain) => chain.id === "bitcoin-regtest")!;
  return { ...preset, bitcoinBackend: { kind, url: backendUrlOf(sim, kind) } };
}

async function scan(kind: BitcoinBackendKind, watchedCount: number) {
  const keys = new Set([paid, ...Array.from({ length: watchedCount - 1 }, randomAddress)]);
  // Esplora asks per address awaiting payment: the same ten whatever the history
  const open = [paid, ...[...keys].slice(1, 10)];
  const calls: Record<string, number> = {};
  const source: ChainSource = createChainSource(chainFor(kind), {
    onRequest: (method) => {
      calls[method] = (calls[method] ?? 0) + 1;
    },
  });
  const server = kind === "node" ? sim.rpc : sim.esplora;
  server.resetRequests();
  const watch = {
    has: (key: string) => keys.has(key),
    refresh: async () => {},
    openAddresses: async () => open,
  };
  const single = await source.blocks(from, from, watch);
  const range = await source.blocks(from, to, watch);
  const firstMempool = await source.mempool!(watch);
  const secondMempool = await source.mempool!(watch);
  return { calls, http: server.requestCount(), single, range, firstMempool, secondMempool };
}

function expectPaidTransfers(result: Awaited<ReturnType<typeof scan>>) {
  expect(result.single.flatMap((block) => block.transfers)).toMatchObject([
    { address: paid, amount: 150_000n, index: 0 },
  ]);
  expect(result.range.flatMap((block) => block.transfers.map((transfer) => transfer.amount))).toEqual([
    150_000n,
    100_000_000n,
  ]);
  for (const snapshot of [result.firstMempool, result.secondMempool]) {
    expect(snapshot.tipHash).toBe(sim.tipHash());
    expect(snapshot.transfers).toMatchObject([
      { address: paid, txHash: mempoolTxids[0], amount: 77_777n, rbf: true },
    ]);
  }
}

describe("Bitcoin backend requests per block", () => {
  const blocks = () => Number(to - from + 1n);

  it("node: every request is the same with 10 and with 100,000 watched addresses", async () => {
    const few = await scan("node", 10);
    const many = await scan("node", 100_000);
    expectPaidTransfers(few);
    expectPaidTransfers(many);
    expect(many.calls).toEqual(few.calls);
    expect(many.http).toBe(few.http);
    // per block getblockhash + getblock (verbosity 2); the mempool diffed: raw transactions fetched once
    expect(few.calls).toEqual({
      getblockhash: 1 + blocks(),
      getblock: 1 + blocks(),
      getrawmempool: 2,
      getbestblockhash: 2,
      getrawtransaction: mempoolTxids.length,
    });
    // batched: one HTTP request per kind of call per range, one per mempool listing, one for the new txs
    expect(few.http).toBe(2 + 2 + 2 + 1);
  });

  it("esplora: block requests are the same with 10 and with 100,000 watched addresses", async () => {
    const few = await scan("esplora", 10);
    const many = await scan("esplora", 100_000);
    expectPaidTransfers(few);
    expectPaidTransfers(many);
    expect(many.calls).toEqual(few.calls);
    expect(few.calls).toEqual({
      "GET /block-height/:height": 1 + blocks(),
      "GET /block/:hash/raw": 1 + blocks(),
      // the mempool: once per open address and poll, each new transaction's hex once, the tip per poll
      "GET /address/:address/txs/mempool": 2 * 10,
      "GET /tx/:txid/hex": 1,
      "GET /blocks/tip/hash": 2,
    });
  });
});
