import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRpc, postRpc } from "./http-client.ts";
import { type BitcoinSim, REGTEST_GENESIS_HASH, startBitcoinSim } from "./index.ts";

let sim: BitcoinSim;

beforeAll(async () => {
  sim = await startBitcoinSim({ initialBlocks: 101, rpcUser: "watcher", rpcPassword: "s3cret" });
});

afterAll(async () => {
  await sim.close();
});

const legacy = (method: string, params: unknown = []) => ({ id: 7, method, params });

describe("HTTP and authentication", () => {
  it("answers 401 with a basic-auth challenge without or with wrong credentials", async () => {
    for (const credentials of [null, "watcher:wrong", "other:s3cret"]) {
      const reply = await postRpc(sim, legacy("getblockcount"), credentials);
      expect(reply.status).toBe(401);
      expect(reply.headers.get("www-authenticate")).toBe('Basic realm="jsonrpc"');
      expect(reply.text).toBe("");
    }
  });

  it("serves POST only, on / and /wallet/ paths", async () => {
    const get = await fetch(sim.rpc.url);
    expect(get.status).toBe(405);
    expect(await get.text()).toBe("JSONRPC server handles only POST requests");
    const elsewhere = await fetch(new URL("/rest/chaininfo.json", sim.rpc.url), { method: "POST" });
    expect(elsewhere.status).toBe(404);
  });

  it("answers a body that is not JSON with a parse error and HTTP 500", async () => {
    const reply = await postRpc(sim, "{not json");
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.text)).toEqual({ result: null, error: { code: -32700, message: "Parse error" } });
  });
});

describe("JSON-RPC versions", () => {
  it("writes legacy replies with result and error, and amounts with eight decimals", async () => {
    const reply = await postRpc(sim, legacy("getblock", [sim.blockHash(1), 2]));
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('"value":50.00000000');
    expect(reply.text.endsWith("}\n")).toBe(true);
    const body = JSON.parse(reply.text);
    expect(body.error).toBeNull();
    expect(body.id).toBe(7);
    expect(body.result.tx[0].vin[0]).toHaveProperty("coinbase");
    expect(body.result.tx[0].vout[0].scriptPubKey).toMatchObject({
      type: "witness_v0_keyhash",
      address: sim.wallet.miningAddress,
    });
    expect(body.result.tx[0].vout[0].scriptPubKey.desc).toMatch(/^addr\(bcrt1q[a-z0-9]+\)#[a-z0-9]{8}$/);
  });

  it("maps legacy errors to HTTP 404 (unknown method) and 500 (anything else)", async () => {
    const unknown = await postRpc(sim, legacy("getblocks"));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toEqual({
      result: null,
      error: { code: -32601, message: "Method not found" },
      id: 7,
    });
    const outOfRange = await postRpc(sim, legacy("getblockhash", [1000]));
    expect(outOfRange.status).toBe(500);
    expect(JSON.parse(outOfRange.text).error).toEqual({ code: -8, message: "Block height out of range" });
    const invalid = await postRpc(sim, { id: 1, method: 42 });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text).error).toEqual({ code: -32600, message: "Method must be a string" });
  });

  it("answers JSON-RPC 2.0 errors with HTTP 200, one of result/error, and 204 for notifications", async () => {
    const unknown = await postRpc(sim, { jsonrpc: "2.0", id: "a", method: "getblocks" });
    expect(unknown.status).toBe(200);
    expect(JSON.parse(unknown.text)).toEqual({
      jsonrpc: "2.0",
      error: { code: -32601, message: "Method not found" },
      id: "a",
    });
    const ok = await postRpc(sim, { jsonrpc: "2.0", id: 1, method: "getblockcount" });
    expect(JSON.parse(ok.text)).toEqual({ jsonrpc: "2.0", result: 101, id: 1 });
    const notification = await postRpc(sim, { jsonrpc: "2.0", method: "getblockcount" });
    expect(notification.status).toBe(204);
    expect(notification.text).toBe("");
  });

  it("answers a batch with one reply per request, in order, errors included, under HTTP 200", async () => {
    const reply = await postRpc(sim, [
      { jsonrpc: "2.0", id: 1, method: "getblockcount" },
      { jsonrpc: "2.0", id: 2, method: "getblockhash", params: [0] },
      { jsonrpc: "2.0", id: 3, method: "nosuchmethod" },
      { id: 4, method: "getblockhash", params: [9999] },
      { jsonrpc: "2.0", method: "getbestblockhash" },
      "not an object",
    ]);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual([
      { jsonrpc: "2.0", result: 101, id: 1 },
      { jsonrpc: "2.0", result: REGTEST_GENESIS_HASH, id: 2 },
      { jsonrpc: "2.0", error: { code: -32601, message: "Method not found" }, id: 3 },
      { result: null, error: { code: -8, message: "Block height out of range" }, id: 4 },
      { result: null, error: { code: -32600, message: "Invalid Request object" } },
    ]);
  });
});

describe("method strictness", () => {
  const errorOf = (method: string, params: unknown) =>
    callRpc(sim, method, params).then(
      () => undefined,
      (error) => error,
    );

  it("checks argument counts and types like RPCHelpMan", async () => {
    const missing = await errorOf("getblockhash", []);
    expect(missing.code).toBe(-1);
    expect(missing.message.startsWith("getblockhash height\n")).toBe(true);
    expect((await errorOf("getblockcount", [1])).code).toBe(-1);
    expect(await errorOf("getblockhash", ["1"])).toEqual({
      code: -3,
      message:
        'Wrong type passed:\n{\n    "Position 1 (height)": "JSON value of type string is not of expected type number"\n}',
    });
    expect(await errorOf("getblockhash", { heigth: 1 })).toEqual({
      code: -8,
      message: "Unknown named parameter heigth",
    });
    expect(await callRpc(sim, "getblockhash", { height: 0 })).toBe(REGTEST_GENESIS_HASH);
  });

  it("validates hashes and reports unknown blocks and transactions with Core's codes", async () => {
    expect(await errorOf("getblock", ["abc"])).toEqual({
      code: -8,
      message: "blockhash must be of length 64 (not 3, for 'abc')",
    });
    expect(await errorOf("getblock", ["z".repeat(64)])).toEqual({
      code: -8,
      message: `blockhash must be hexadecimal string (not '${"z".repeat(64)}')`,
    });
    expect(await errorOf("getblockheader", ["0".repeat(64)])).toEqual({
      code: -5,
      message: "Block not found",
    });
    expect(await errorOf("getmempoolentry", ["0".repeat(64)])).toEqual({
      code: -5,
      message: "Transaction not in mempool",
    });
    const coinbase = (await callRpc(sim, "getblock", [sim.blockHash(1), 1])).tx[0];
    expect(await errorOf("getrawtransaction", [coinbase])).toEqual({
      code: -5,
      message:
        "No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries. Use gettransaction for wallet transactions.",
    });
    const confirmed = await callRpc(sim, "getrawtransaction", [coinbase, true, sim.blockHash(1)]);
    expect(confirmed).toMatchObject({
      in_active_chain: true,
      txid: coinbase,
      blockhash: sim.blockHash(1),
      confirmations: 101,
    });
  });

  it("describes the chain and the mempool", async () => {
    expect(await callRpc(sim, "getblockchaininfo")).toMatchObject({
      chain: "regtest",
      blocks: 101,
      headers: 101,
      bestblockhash: sim.tipHash(),
      difficulty: 4.656542373906925e-10,
      initialblockdownload: false,
    });
    expect(await callRpc(sim, "getbestblockhash")).toBe(sim.tipHash());
    const txid = sim.send({ to: sim.wallet.miningAddress, amountSats: 12_345n });
    expect(await callRpc(sim, "getrawmempool")).toEqual([txid]);
    const verbose = await callRpc(sim, "getrawmempool", [true]);
    expect(verbose[txid]).toMatchObject({
      height: 101,
      ancestorcount: 1,
      depends: [],
      "bip125-replaceable": true,
    });
    const raw = await callRpc(sim, "getrawtransaction", [txid, 2]);
    expect(raw).toMatchObject({ txid, version: 2, locktime: 101 });
    expect(raw.vin[0].txinwitness).toHaveLength(2);
    expect(raw.blockhash).toBeUndefined();
    sim.mine(1);
  });
});

describe("test controls", () => {
  it("counts requests per method and per HTTP request", async () => {
    sim.rpc.resetRequests();
    await callRpc(sim, "getblockcount");
    await postRpc(sim, [legacy("getblockcount"), legacy("getbestblockhash")]);
    expect(sim.rpc.requests()).toEqual({ getblockcount: 2, getbestblockhash: 1 });
    expect(sim.rpc.requestCount("getblockcount")).toBe(2);
    expect(sim.rpc.requestCount()).toBe(2);
  });

  it("refuses connections or answers 503 while down", async () => {
    await sim.rpc.setDown(true);
    await expect(callRpc(sim, "getblockcount")).rejects.toThrow();
    await sim.rpc.setDown(true, "unavailable");
    expect((await postRpc(sim, legacy("getblockcount"))).status).toBe(503);
    await sim.rpc.setDown(false);
    expect(await callRpc(sim, "getblockcount")).toBe(sim.tipHeight());
  });
});
