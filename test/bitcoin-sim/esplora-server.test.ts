import { Block, Transaction } from "bitcoinjs-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEsplora } from "./http-client.ts";
import { type BitcoinSim, REGTEST_GENESIS_HASH, startBitcoinSim } from "./index.ts";

let sim: BitcoinSim;

beforeAll(async () => {
  sim = await startBitcoinSim({ initialBlocks: 101 });
});

afterAll(async () => {
  await sim.close();
});

const getJson = async (path: string) => {
  const reply = await getEsplora(sim, path);
  expect(reply.status).toBe(200);
  return JSON.parse(reply.text);
};

describe("blocks", () => {
  it("serves the tip and blocks by height as text", async () => {
    expect(await getEsplora(sim, "/blocks/tip/height")).toMatchObject({
      status: 200,
      text: "101",
      contentType: "text/plain",
    });
    expect((await getEsplora(sim, "/blocks/tip/hash")).text).toBe(sim.tipHash());
    expect((await getEsplora(sim, "/block-height/0")).text).toBe(REGTEST_GENESIS_HASH);
    expect(await getEsplora(sim, "/block-height/102")).toMatchObject({
      status: 404,
      text: "Block not found",
    });
    expect(await getEsplora(sim, "/block-height/tip")).toMatchObject({ status: 400, text: "Invalid number" });
  });

  it("serves a block's header fields, txids, status, header and raw bytes", async () => {
    const hash = sim.blockHash(50);
    expect(await getJson(`/block/${hash}`)).toMatchObject({
      id: hash,
      height: 50,
      version: 0x20000000,
      tx_count: 1,
      previousblockhash: sim.blockHash(49),
      bits: 0x207fffff,
      difficulty: 4.6565423739069247e-10,
    });
    const txids = await getJson(`/block/${hash}/txids`);
    const raw = Block.fromBuffer((await getEsplora(sim, `/block/${hash}/raw`)).bytes);
    expect(raw.transactions?.map((tx) => tx.getId())).toEqual(txids);
    expect(Block.fromHex((await getEsplora(sim, `/block/${hash}/header`)).text).getId()).toBe(hash);
    expect(await getJson(`/block/${hash}/status`)).toEqual({
      in_best_chain: true,
      height: 50,
      next_best: sim.blockHash(51),
    });
    const [coinbase] = await getJson(`/block/${hash}/txs`);
    expect(coinbase).toMatchObject({
      txid: txids[0],
      fee: 0,
      status: { confirmed: true, block_height: 50, block_hash: hash },
    });
    expect(coinbase.vin[0]).toMatchObject({ is_coinbase: true, prevout: null, vout: 4294967295 });
    expect(coinbase.vout[1]).toMatchObject({ scriptpubkey_type: "op_return", value: 0 });
    expect(coinbase.vout[1].scriptpubkey_asm.startsWith("OP_RETURN OP_PUSHBYTES_36 aa21a9ed")).toBe(true);
  });

  it("answers malformed hashes with 400 and unknown ones or paths with 404", async () => {
    expect(await getEsplora(sim, "/block/xyz")).toMatchObject({ status: 400, text: "Invalid hex string" });
    expect(await getEsplora(sim, `/tx/${"g".repeat(64)}`)).toMatchObject({
      status: 400,
      text: "Invalid hex string",
    });
    expect(await getEsplora(sim, `/block/${"0".repeat(64)}`)).toMatchObject({
      status: 404,
      text: "Block not found",
    });
    expect(await getEsplora(sim, `/tx/${"0".repeat(64)}`)).toMatchObject({
      status: 404,
      text: "Transaction not found",
    });
    expect(await getEsplora(sim, "/blocks/tip/height/")).toMatchObject({
      status: 404,
      text: 'endpoint does not exist "/blocks/tip/height/"',
    });
    expect((await getEsplora(sim, "/blocks/tip/height", { method: "POST" })).status).toBe(404);
  });
});

describe("transactions and addresses", () => {
  it("serves a mempool payment by txid and by address, then confirmed", async () => {
    const to = sim.wallet.miningAddress;
    const txid = sim.send({ to: "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080", amountSats: 25_000n });
    expect(await getJson("/mempool/txids")).toEqual([txid]);
    const tx = await getJson(`/tx/${txid}`);
    expect(tx).toMatchObject({ txid, version: 2, status: { confirmed: false } });
    expect(tx.vin[0].prevout).toMatchObject({ scriptpubkey_address: to, scriptpubkey_type: "v0_p2wpkh" });
    expect(tx.vin[0].witness).toHaveLength(2);
    expect(tx.vout[0]).toMatchObject({
      scriptpubkey: "0014751e76e8199196d454941c45d1b3a323f1433bd6",
      scriptpubkey_asm: "OP_0 OP_PUSHBYTES_20 751e76e8199196d454941c45d1b3a323f1433bd6",
      scriptpubkey_address: "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080",
      scriptpubkey_type: "v0_p2wpkh",
      value: 25_000,
    });
    expect(tx.fee).toBeGreaterThan(0);
    expect(Transaction.fromHex((await getEsplora(sim, `/tx/${txid}/hex`)).text).getId()).toBe(txid);
    expect(Transaction.fromBuffer((await getEsplora(sim, `/tx/${txid}/raw`)).bytes).getId()).toBe(txid);

    const mempool = await getJson("/address/bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080/txs/mempool");
    expect(mempool.map((entry: { txid: string }) => entry.txid)).toEqual([txid]);
    // The wallet's mining address funded it, so it touches that address too (as an input).
    expect(
      (await getJson(`/address/${to}/txs/mempool`)).map((entry: { txid: string }) => entry.txid),
    ).toEqual([txid]);

    const [hash] = sim.mine(1);
    expect(await getJson(`/tx/${txid}/status`)).toEqual({
      confirmed: true,
      block_height: 102,
      block_hash: hash,
      block_time: (await getJson(`/block/${hash}`)).timestamp,
    });
    expect(await getJson("/address/bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080/txs/mempool")).toEqual([]);
    const history = await getJson("/address/bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080/txs");
    expect(history.map((entry: { txid: string }) => entry.txid)).toEqual([txid]);
    expect(await getJson("/address/bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")).toMatchObject({
      chain_stats: { funded_txo_count: 1, funded_txo_sum: 25_000, tx_count: 1 },
      mempool_stats: { tx_count: 0 },
    });
  });

  it("refuses addresses of other networks and garbage", async () => {
    expect(await getEsplora(sim, "/address/tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx/txs")).toMatchObject({
      status: 400,
      text: "Address on invalid network",
    });
    expect((await getEsplora(sim, "/address/notanaddress/txs/mempool")).status).toBe(400);
  });

  it("broadcasts a raw transaction posted to /tx", async () => {
    const tx = sim.createTransaction([{ to: sim.wallet.miningAddress, amountSats: 10_000n }]);
    const posted = await getEsplora(sim, "/tx", { method: "POST", body: tx.toHex() });
    expect(posted).toMatchObject({ status: 200, text: tx.getId() });
    expect(sim.mempool()).toEqual([tx.getId()]);
    const garbage = await getEsplora(sim, "/tx", { method: "POST", body: "00" });
    expect(garbage.status).toBe(400);
    sim.mine(1);
  });
});

describe("test controls", () => {
  it("counts requests per route", async () => {
    sim.esplora.resetRequests();
    await getEsplora(sim, "/blocks/tip/height");
    await getEsplora(sim, `/block/${sim.tipHash()}/raw`);
    await getEsplora(sim, `/block/${sim.blockHash(1)}/raw`);
    await getEsplora(sim, "/nowhere");
    expect(sim.esplora.requests()).toEqual({
      "GET /blocks/tip/height": 1,
      "GET /block/:hash/raw": 2,
      unmatched: 1,
    });
    expect(sim.esplora.requestCount()).toBe(4);
  });

  it("answers 429 past the rate limit, until it is lifted", async () => {
    sim.esplora.setRateLimit({ maxRequests: 2, windowMs: 60_000 });
    expect((await getEsplora(sim, "/blocks/tip/height")).status).toBe(200);
    expect((await getEsplora(sim, "/blocks/tip/height")).status).toBe(200);
    expect(await getEsplora(sim, "/blocks/tip/height")).toMatchObject({
      status: 429,
      text: "Too Many Requests",
    });
    sim.esplora.setRateLimit(null);
    expect((await getEsplora(sim, "/blocks/tip/height")).status).toBe(200);
  });

  it("refuses connections or answers 503 while down", async () => {
    await sim.esplora.setDown(true);
    await expect(getEsplora(sim, "/blocks/tip/height")).rejects.toThrow();
    await sim.esplora.setDown(true, "unavailable");
    expect((await getEsplora(sim, "/blocks/tip/height")).status).toBe(503);
    await sim.esplora.setDown(false);
    expect((await getEsplora(sim, "/blocks/tip/height")).text).toBe(String(sim.tipHeight()));
  });
});
