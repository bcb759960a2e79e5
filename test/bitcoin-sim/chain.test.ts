import * as ecc from "@bitcoinerlab/secp256k1";
import { Block, crypto, Psbt, payments, script, Transaction } from "bitcoinjs-lib";
import { ECPairFactory } from "ecpair";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRpc, getEsplora } from "./http-client.ts";
import {
  type BitcoinSim,
  blockSubsidy,
  REGTEST,
  REGTEST_GENESIS_HASH,
  RejectedTransactionError,
  startBitcoinSim,
} from "./index.ts";

const ECPair = ECPairFactory(ecc);
const txidOf = (hash: Uint8Array) => Buffer.from(hash).reverse().toString("hex");

/** A key the test holds, with an address of each script type the gateway watches. */
function testAddresses() {
  const key = ECPair.makeRandom({ network: REGTEST });
  const pubkey = key.publicKey;
  return {
    key,
    p2pkh: payments.p2pkh({ pubkey, network: REGTEST }).address as string,
    p2shP2wpkh: payments.p2sh({ redeem: payments.p2wpkh({ pubkey, network: REGTEST }), network: REGTEST })
      .address as string,
    p2wpkh: payments.p2wpkh({ pubkey, network: REGTEST }).address as string,
    p2tr: payments.p2tr({ internalPubkey: pubkey.subarray(1, 33), network: REGTEST }).address as string,
  };
}

/** Checks every P2WPKH input's BIP143 signature with bitcoinjs-lib and ecpair, independently of the simulator. */
function verifyP2wpkhInputs(sim: BitcoinSim, tx: Transaction): number {
  tx.ins.forEach((input, index) => {
    const spent = sim.transaction(txidOf(input.hash))?.outs[input.index];
    if (spent === undefined) throw new Error(`input ${index} spends an unknown output`);
    const [encoded, publicKey] = input.witness as [Uint8Array, Uint8Array];
    const program = spent.script.subarray(2);
    expect(Buffer.from(crypto.hash160(publicKey)).equals(Buffer.from(program))).toBe(true);
    const { signature, hashType } = script.signature.decode(encoded);
    const scriptCode = payments.p2pkh({ hash: program }).output as Uint8Array;
    const digest = tx.hashForWitnessV0(index, scriptCode, spent.value, hashType);
    expect(ECPair.fromPublicKey(publicKey).verify(digest, signature)).toBe(true);
  });
  return tx.ins.length;
}

let sim: BitcoinSim;

beforeAll(async () => {
  sim = await startBitcoinSim();
});

afterAll(async () => {
  await sim.close();
});

describe("blocks", () => {
  it("start from the regtest genesis block and parse with bitcoinjs-lib from both servers", async () => {
    expect(await callRpc(sim, "getblockhash", [0])).toBe(REGTEST_GENESIS_HASH);
    const tip = await callRpc(sim, "getblockcount");
    expect(tip).toBe(120);

    let previous = REGTEST_GENESIS_HASH;
    for (let height = 1; height <= tip; height++) {
      const hash = (await getEsplora(sim, `/block-height/${height}`)).text;
      const raw = await getEsplora(sim, `/block/${hash}/raw`);
      expect(raw.contentType).toBe("application/octet-stream");
      const fromEsplora = Block.fromBuffer(raw.bytes);
      const fromNode = Block.fromHex(await callRpc(sim, "getblock", [hash, 0]));
      for (const block of [fromEsplora, fromNode]) {
        expect(block.getId()).toBe(hash);
        expect(block.checkTxRoots()).toBe(true);
        expect(block.checkProofOfWork()).toBe(true);
        expect(txidOf(block.prevHash as Uint8Array)).toBe(previous);
      }
      const coinbase = fromEsplora.transactions?.[0] as Transaction;
      expect(coinbase.isCoinbase()).toBe(true);
      // BIP34: the coinbase script starts with the height.
      const [heightPush] = script.decompile(coinbase.ins[0]?.script as Uint8Array) ?? [];
      const encoded = typeof heightPush === "number" ? script.number.encode(heightPush - 0x50) : heightPush;
      expect(script.number.decode(encoded as Uint8Array)).toBe(height);
      expect(coinbase.outs[0]?.value).toBe(blockSubsidy(height));
      previous = hash;
    }
  });

  it("report headers as Core does, linking parents and children", async () => {
    const hash = await callRpc(sim, "getblockhash", [5]);
    const header = await callRpc(sim, "getblockheader", [hash]);
    expect(header).toMatchObject({
      hash,
      height: 5,
      confirmations: sim.tipHeight() - 4,
      previousblockhash: sim.blockHash(4),
      nextblockhash: sim.blockHash(6),
      bits: "207fffff",
      versionHex: "20000000",
      chainwork: (12).toString(16).padStart(64, "0"),
    });
    expect(Block.fromHex(await callRpc(sim, "getblockheader", [hash, false])).getId()).toBe(hash);
    const esplora = JSON.parse((await getEsplora(sim, `/block/${hash}`)).text);
    expect(esplora).toMatchObject({
      id: hash,
      height: 5,
      bits: 0x207fffff,
      previousblockhash: sim.blockHash(4),
    });
  });
});

describe("spends", () => {
  it("pay P2PKH, P2SH-P2WPKH, P2WPKH and P2TR addresses with signed P2WPKH inputs", async () => {
    const addresses = testAddresses();
    const targets = [addresses.p2pkh, addresses.p2shP2wpkh, addresses.p2wpkh, addresses.p2tr];
    const txid = sim.sendMany(targets.map((to, index) => ({ to, amountSats: 10_000n + BigInt(index) })));

    const tx = Transaction.fromHex(await callRpc(sim, "getrawtransaction", [txid]));
    expect(tx.getId()).toBe(txid);
    expect(verifyP2wpkhInputs(sim, tx)).toBeGreaterThan(0);

    const verbose = await callRpc(sim, "getrawtransaction", [txid, 1]);
    expect(
      verbose.vout
        .slice(0, 4)
        .map((output: { scriptPubKey: { type: string; address: string }; value: number }) => [
          output.scriptPubKey.type,
          output.scriptPubKey.address,
          output.value,
        ]),
    ).toEqual([
      ["pubkeyhash", addresses.p2pkh, 0.0001],
      ["scripthash", addresses.p2shP2wpkh, 0.00010001],
      ["witness_v0_keyhash", addresses.p2wpkh, 0.00010002],
      ["witness_v1_taproot", addresses.p2tr, 0.00010003],
    ]);

    sim.mine(1);
    for (const [index, to] of targets.entries()) {
      const history = JSON.parse((await getEsplora(sim, `/address/${to}/txs`)).text);
      expect(history).toHaveLength(1);
      expect(history[0].status).toMatchObject({ confirmed: true, block_height: sim.tipHeight() });
      expect(history[0].vout[index]).toMatchObject({
        scriptpubkey_address: to,
        scriptpubkey_type: ["p2pkh", "p2sh", "v0_p2wpkh", "v1_p2tr"][index],
        value: 10_000 + index,
      });
    }
  });

  it("refuse a transaction whose signature does not verify", () => {
    const tx = sim.createTransaction([{ to: testAddresses().p2wpkh, amountSats: 20_000n }]);
    const signature = tx.ins[0]?.witness[0] as Uint8Array;
    signature[10] = (signature[10] as number) ^ 1;
    expect(() => sim.broadcast(tx)).toThrow(/mandatory-script-verify-flag-failed/);
  });

  it("accept a spend the test signs itself, chained on an unconfirmed parent", async () => {
    const { key, p2wpkh } = testAddresses();
    const parentTxid = sim.send({ to: p2wpkh, amountSats: 100_000n });
    const parent = sim.transaction(parentTxid) as Transaction;
    const vout = parent.outs.findIndex((output) => output.value === 100_000n);
    const psbt = new Psbt({ network: REGTEST });
    psbt.addInput({
      hash: parentTxid,
      index: vout,
      witnessUtxo: parent.outs[vout] as Transaction["outs"][number],
    });
    psbt.addOutput({ address: testAddresses().p2tr, value: 90_000n });
    psbt.signInput(0, key).finalizeAllInputs();
    const child = psbt.extractTransaction();
    expect(sim.broadcast(child)).toBe(child.getId());
    const entry = await callRpc(sim, "getmempoolentry", [child.getId()]);
    expect(entry).toMatchObject({ depends: [parentTxid], ancestorcount: 2, fees: { base: 0.0001 } });

    // Replacing the parent evicts the child with it, as bitcoind does.
    const replacement = sim.replace(parentTxid, { to: testAddresses().p2wpkh });
    expect(sim.mempool()).toContain(replacement);
    expect(sim.mempool()).not.toContain(parentTxid);
    expect(sim.mempool()).not.toContain(child.getId());
    sim.mine(1);
  });
});

describe("mempool", () => {
  it("replaces by fee: the original leaves the mempool, a cheaper double spend is refused", async () => {
    const first = testAddresses().p2wpkh;
    const second = testAddresses().p2tr;
    const original = sim.send({ to: first, amountSats: 50_000n });
    const originalEntry = await callRpc(sim, "getmempoolentry", [original]);
    expect(originalEntry["bip125-replaceable"]).toBe(true);
    expect(JSON.parse((await getEsplora(sim, `/address/${first}/txs/mempool`)).text)).toHaveLength(1);

    const replacement = sim.replace(original, { to: second });
    const replacementTx = sim.transaction(replacement) as Transaction;
    const originalTx = sim.transaction(original) as Transaction;
    expect(replacementTx.ins.map((input) => `${txidOf(input.hash)}:${input.index}`)).toEqual(
      originalTx.ins.map((input) => `${txidOf(input.hash)}:${input.index}`),
    );
    expect(await callRpc(sim, "getrawmempool")).toEqual([replacement]);
    await expect(callRpc(sim, "getrawtransaction", [original])).rejects.toMatchObject({ code: -5 });
    const replacementEntry = await callRpc(sim, "getmempoolentry", [replacement]);
    expect(replacementEntry.fees.base).toBeGreaterThan(originalEntry.fees.base);
    expect(JSON.parse((await getEsplora(sim, `/address/${first}/txs/mempool`)).text)).toEqual([]);
    expect(JSON.parse((await getEsplora(sim, `/address/${second}/txs/mempool`)).text)[0].txid).toBe(
      replacement,
    );

    expect(() => sim.rebroadcast(original)).toThrow(/insufficient fee/);
    sim.mine(1);
    expect(() => sim.rebroadcast(original)).toThrow(RejectedTransactionError);
    expect(JSON.parse((await getEsplora(sim, `/tx/${replacement}/status`)).text)).toMatchObject({
      confirmed: true,
    });
  });

  it("drops a transaction without mining it, and takes it back when rebroadcast", async () => {
    const txid = sim.send({ to: testAddresses().p2pkh, amountSats: 30_000n, rbf: false });
    expect((await callRpc(sim, "getrawmempool", [true]))[txid]["bip125-replaceable"]).toBe(false);
    expect(sim.drop(txid)).toEqual([txid]);
    expect(await callRpc(sim, "getrawmempool")).toEqual([]);
    expect((await getEsplora(sim, `/tx/${txid}`)).status).toBe(404);
    expect(sim.rebroadcast(txid)).toBe(txid);
    expect(JSON.parse((await getEsplora(sim, "/mempool/txids")).text)).toEqual([txid]);
    sim.mine(1);
  });
});

describe("reorgs", () => {
  it("return the disconnected block's transactions to the mempool", async () => {
    const txid = sim.send({ to: testAddresses().p2wpkh, amountSats: 40_000n });
    const [stale] = sim.mine(1);
    const height = sim.tipHeight();
    expect(JSON.parse((await getEsplora(sim, `/tx/${txid}/status`)).text)).toMatchObject({
      block_hash: stale,
    });

    const replacements = sim.reorg(1);
    expect(replacements).toHaveLength(2);
    expect(sim.tipHeight()).toBe(height + 1);
    expect(sim.blockHash(height)).toBe(replacements[0]);
    expect(await callRpc(sim, "getblockheader", [replacements[0]])).toMatchObject({
      previousblockhash: sim.blockHash(height - 1),
    });
    expect(await callRpc(sim, "getblock", [stale])).toMatchObject({ confirmations: -1, height });
    expect((await getEsplora(sim, `/block/${stale}`)).status).toBe(404);
    expect(JSON.parse((await getEsplora(sim, `/block/${stale}/status`)).text)).toEqual({
      in_best_chain: false,
    });
    expect(await callRpc(sim, "getrawmempool")).toEqual([txid]);
    expect(JSON.parse((await getEsplora(sim, `/tx/${txid}/status`)).text)).toEqual({ confirmed: false });

    const [confirming] = sim.mine(1);
    expect(JSON.parse((await getEsplora(sim, `/tx/${txid}/status`)).text)).toMatchObject({
      block_hash: confirming,
    });
  });

  it("drop, re-mine or double-spend the disconnected transactions on request", async () => {
    const dropped = sim.send({ to: testAddresses().p2wpkh, amountSats: 41_000n });
    const included = sim.send({ to: testAddresses().p2wpkh, amountSats: 42_000n });
    const doubleSpent = sim.send({ to: testAddresses().p2wpkh, amountSats: 43_000n });
    sim.mine(2);
    const conflict = sim.createConflict(doubleSpent, { to: testAddresses().p2tr });

    const [first] = sim.reorg(2, {
      dropTxids: [dropped],
      includeTxids: [included],
      transactions: [conflict],
    });
    const firstBlock = await callRpc(sim, "getblock", [first, 1]);
    expect(firstBlock.tx.slice(1)).toEqual([included, conflict.getId()]);
    expect(await callRpc(sim, "getrawmempool")).toEqual([]);
    expect((await getEsplora(sim, `/tx/${dropped}`)).status).toBe(404);
    expect((await getEsplora(sim, `/tx/${doubleSpent}`)).status).toBe(404);
    expect(() => sim.rebroadcast(doubleSpent)).toThrow(/missingorspent/);
    expect(sim.rebroadcast(dropped)).toBe(dropped);
    sim.mine(1);
  });
});
