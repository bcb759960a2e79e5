import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Chain, chainPresets } from "@paygate/shared";
import { payments, Transaction } from "bitcoinjs-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEsploraSource } from "../../packages/watcher/src/chains/bitcoin/esplora-source.ts";
import { createNodeSource } from "../../packages/watcher/src/chains/bitcoin/node-source.ts";
import coreBlock from "./fixtures/core-getblock-800000.json" with { type: "json" };
import esploraTx from "./fixtures/esplora-tx-b6a53d8a.json" with { type: "json" };
import { callRpc, getEsplora } from "./http-client.ts";
import { type BitcoinSim, REGTEST, startBitcoinSim } from "./index.ts";

/**
 * Real mainnet answers (fixtures/, each with its SOURCE) against the watcher's parsers and the simulator's
 * shapes: the simulator is otherwise only ever checked against itself.
 */
const mainnet = chainPresets.find((chain) => chain.id === "bitcoin") as Chain;
const coreTx = coreBlock.tx[0]!;
const corePaid = coreTx.vout[0]!;
const esploraPaid = esploraTx.vout[0]!;

/** A BTC decimal as Core writes it, in satoshis (exact: eight decimals at most). */
const sats = (btc: number) => BigInt(Math.round(btc * 1e8));

/** A tiny HTTP server answering from a route table, as a real node or Esplora would. */
async function serve(answer: (path: string, body: string) => { status?: number; body: string }): Promise<{
  url: string;
  server: Server;
}> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = answer(request.url ?? "/", Buffer.concat(chunks).toString("utf8"));
      response.writeHead(reply.status ?? 200, { "content-type": "application/json" }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const servers: Server[] = [];
let sim: BitcoinSim;

beforeAll(async () => {
  sim = await startBitcoinSim({ initialBlocks: 101 });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await sim?.close();
});

describe("the watcher reads real answers", () => {
  it("node source: block 800,000's getblock (verbosity 2) gives the payment its JSON shows, in satoshis", async () => {
    const node = await serve((_path, body) => {
      const calls = JSON.parse(body) as { id: unknown; method: string; params: unknown[] }[];
      const one = (call: { id: unknown; method: string; params: unknown[] }) => {
        if (call.method === "getblockhash" && call.params[0] === coreBlock.height)
          return { result: coreBlock.hash, error: null, id: call.id };
        if (call.method === "getblock" && call.params[0] === coreBlock.hash && call.params[1] === 2)
          return { result: coreBlock, error: null, id: call.id };
        return { result: null, error: { code: -32601, message: "Method not found" }, id: call.id };
      };
      return { body: JSON.stringify(Array.isArray(calls) ? calls.map(one) : one(calls)) };
    });
    servers.push(node.server);
    const source = createNodeSource(mainnet, node.url);
    const watched = { has: (address: string) => address === corePaid.scriptPubKey.address };
    const [block] = await source.blocks(800_000n, 800_000n, watched);
    expect(block).toMatchObject({
      number: 800_000n,
      hash: coreBlock.hash,
      parentHash: coreBlock.previousblockhash,
      timestamp: new Date(coreBlock.time * 1000),
    });
    expect(block!.transfers).toEqual([
      {
        address: "bc1qj4y63fupgnd5j2ldh0jhhxf585p5h7hm0gzjfc",
        asset: "BTC",
        txHash: coreTx.txid,
        index: corePaid.n,
        amount: sats(corePaid.value),
      },
    ]);
    expect(block!.transfers[0]!.amount).toBe(499_441n);
  });

  it("Esplora source: a real unconfirmed /tx answer, its raw bytes rebuilt, gives the payment its JSON shows", async () => {
    // Legacy P2PKH: the JSON holds every byte of the transaction; the rebuilt bytes must hash to its txid.
    const tx = new Transaction();
    tx.version = esploraTx.version;
    tx.locktime = esploraTx.locktime;
    for (const input of esploraTx.vin)
      tx.addInput(
        Buffer.from(input.txid, "hex").reverse(),
        input.vout,
        input.sequence,
        Buffer.from(input.scriptsig, "hex"),
      );
    for (const output of esploraTx.vout)
      tx.addOutput(Buffer.from(output.scriptpubkey, "hex"), BigInt(output.value));
    expect(tx.getId()).toBe(esploraTx.txid);
    expect(tx.byteLength()).toBe(esploraTx.size);

    const esplora = await serve((path) => {
      if (path === `/address/${esploraPaid.scriptpubkey_address}/txs/mempool`)
        return { body: JSON.stringify([esploraTx]) };
      if (path === `/tx/${esploraTx.txid}/hex`) return { body: tx.toHex() };
      if (path === "/blocks/tip/hash") return { body: coreBlock.hash };
      return { status: 404, body: `endpoint does not exist "${path}"` };
    });
    servers.push(esplora.server);
    const source = createEsploraSource(mainnet, esplora.url);
    const snapshot = await source.mempool!({
      has: (address) => address === esploraPaid.scriptpubkey_address,
      refresh: async () => {},
      openAddresses: async () => [esploraPaid.scriptpubkey_address],
    });
    expect(snapshot.transfers).toEqual([
      {
        address: esploraPaid.scriptpubkey_address,
        asset: "BTC",
        txHash: esploraTx.txid,
        index: 0,
        amount: BigInt(esploraPaid.value),
        rbf: true,
      },
    ]);
  });
});

/** Field names and JSON types of a value, recursively (arrays by their first element). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, field]) => field !== undefined)
        .map(([key, field]) => [key, shape(field)])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  return value === null ? "null" : typeof value;
}

describe("the simulator answers in the real shapes", () => {
  it("getblock verbosity 2: the same fields and types per block, transaction, input and output; values in BTC", async () => {
    const address = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    const txid = sim.send({ to: address, amountSats: 499_441n });
    const [hash] = sim.mine();
    // block 800,000 was not the tip when it was read: it names its successor
    sim.mine();
    const block = await callRpc(sim, "getblock", [hash, 2]);
    const tx = block.tx.find((candidate: { txid: string }) => candidate.txid === txid);
    const { tx: realTxs, ...realHeader } = coreBlock;
    const { tx: _simTxs, ...simHeader } = block;
    expect(shape(simHeader)).toEqual(shape(realHeader));
    expect(shape(tx)).toEqual(shape(realTxs[0]));
    const paid = tx.vout.find(
      (output: { scriptPubKey: { address?: string } }) => output.scriptPubKey.address === address,
    );
    expect(paid.value).toBe(0.00499441);
    expect(sats(paid.value)).toBe(499_441n);
  });

  it("Esplora /tx/:txid: the same fields and types; values in satoshis", async () => {
    const address = payments.p2pkh({ hash: new Uint8Array(20).fill(7), network: REGTEST }).address!;
    const txid = sim.send({ to: address, amountSats: 49_040n });
    const { status, text } = await getEsplora(sim, `/tx/${txid}`);
    expect(status).toBe(200);
    const tx = JSON.parse(text);
    // Simplified in the simulator (documented): no `sigops`, and a P2WPKH spend carries a witness.
    const { sigops: _sigops, ...real } = esploraTx;
    const { witness: _witness, ...simInput } = tx.vin[0];
    expect(shape({ ...tx, vin: [simInput] })).toEqual(shape(real));
    const paid = tx.vout.find(
      (output: { scriptpubkey_address?: string }) => output.scriptpubkey_address === address,
    );
    expect(paid).toMatchObject({ scriptpubkey_type: "p2pkh", value: 49_040 });
    expect(Number.isInteger(paid.value)).toBe(true);
  });
});
