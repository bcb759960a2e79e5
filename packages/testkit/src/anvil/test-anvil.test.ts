import { type Address, type Hash, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../until.ts";
import { startAnvil, type TestAnvil } from "./test-anvil.ts";

describe("startAnvil", () => {
  let anvil: TestAnvil;
  let other: TestAnvil;

  beforeAll(async () => {
    [anvil, other] = await Promise.all([startAnvil(), startAnvil({ chainId: 1337 })]);
  });
  afterAll(async () => {
    await Promise.all([anvil?.stop(), other?.stop()]);
  });

  async function pay(value = parseEther("1")): Promise<Hash> {
    const hash = await anvil.walletClient.sendTransaction({ to: anvil.accounts[1]!.address, value });
    await anvil.publicClient.waitForTransactionReceipt({ hash });
    return hash;
  }

  it("gives every node its own port and the requested chain id", async () => {
    expect(anvil.port).not.toBe(other.port);
    expect(await anvil.publicClient.getChainId()).toBe(31337);
    expect(await other.publicClient.getChainId()).toBe(1337);
  });

  it("exposes the node's funded dev accounts", async () => {
    const addresses = await anvil.publicClient.request<{
      Method: "eth_accounts";
      Parameters: [];
      ReturnType: Address[];
    }>({ method: "eth_accounts", params: [] });
    expect(anvil.accounts.map((a) => a.address.toLowerCase())).toEqual(
      addresses.slice(0, 5).map((a) => a.toLowerCase()),
    );
    expect(anvil.walletClient.account.address).toBe(anvil.accounts[0]!.address);
  });

  it("mines a block per transaction and on demand", async () => {
    const before = await anvil.publicClient.getBlockNumber();
    const hash = await pay();
    const receipt = await anvil.publicClient.getTransactionReceipt({ hash });
    expect(receipt.blockNumber).toBe(before + 1n);
    await anvil.mine(3);
    expect(await anvil.publicClient.getBlockNumber()).toBe(before + 4n);
  });

  it("reorgs: same height, new hashes, transactions of replaced blocks gone", async () => {
    const hash = await pay();
    await anvil.mine(1);
    const tip = await anvil.publicClient.getBlockNumber();
    const old = await Promise.all(
      [tip - 1n, tip].map((blockNumber) => anvil.publicClient.getBlock({ blockNumber })),
    );
    const untouched = await anvil.publicClient.getBlock({ blockNumber: tip - 2n });

    await anvil.reorg(2);

    expect(await anvil.publicClient.getBlockNumber()).toBe(tip);
    const fresh = await Promise.all(
      [tip - 1n, tip].map((blockNumber) => anvil.publicClient.getBlock({ blockNumber })),
    );
    expect(fresh.map((b) => b.hash)).not.toContain(old[0]!.hash);
    expect(fresh.map((b) => b.hash)).not.toContain(old[1]!.hash);
    expect(fresh[0]!.parentHash).toBe(untouched.hash);
    expect(await anvil.publicClient.getTransaction({ hash }).catch(() => null)).toBeNull();
  });

  it("reorgs a signed transaction into a different block", async () => {
    const request = await anvil.walletClient.prepareTransactionRequest({
      to: anvil.accounts[2]!.address,
      value: 5n,
    });
    const raw = await anvil.walletClient.signTransaction(request);
    const hash = await anvil.walletClient.sendRawTransaction({ serializedTransaction: raw });
    const first = await anvil.publicClient.waitForTransactionReceipt({ hash });
    await anvil.mine(1);

    await anvil.reorg(2, [{ tx: raw, offset: 1 }]);

    const second = await anvil.publicClient.getTransactionReceipt({ hash });
    expect(second.blockNumber).toBe(first.blockNumber + 1n);
    expect(second.blockHash).not.toBe(first.blockHash);
  });

  it("rolls back: the height goes down and the transactions are undone", async () => {
    const balance = await anvil.publicClient.getBalance({ address: anvil.accounts[1]!.address });
    const hash = await pay();
    await anvil.mine(1);
    const tip = await anvil.publicClient.getBlockNumber();

    await anvil.rollback(2);

    expect(await anvil.publicClient.getBlockNumber()).toBe(tip - 2n);
    expect(await anvil.publicClient.getTransaction({ hash }).catch(() => null)).toBeNull();
    expect(await anvil.publicClient.getBalance({ address: anvil.accounts[1]!.address })).toBe(balance);
  });

  it("answers debug_traceBlockByNumber with the call tracer", async () => {
    const hash = await pay(7n);
    const { blockNumber } = await anvil.publicClient.getTransactionReceipt({ hash });
    const traces = await anvil.publicClient.request<{
      Method: "debug_traceBlockByNumber";
      Parameters: [string, { tracer: "callTracer" }];
      ReturnType: { txHash: Hash; result: { type: string; from: string; to: string; value: string } }[];
    }>({
      method: "debug_traceBlockByNumber",
      params: [`0x${blockNumber.toString(16)}`, { tracer: "callTracer" }],
    });
    expect(traces).toEqual([
      {
        txHash: hash,
        result: expect.objectContaining({
          type: "CALL",
          from: anvil.accounts[0]!.address.toLowerCase(),
          to: anvil.accounts[1]!.address.toLowerCase(),
          value: "0x7",
        }),
      },
    ]);
  });

  it("restarts on the same port with its chain intact", async () => {
    const hash = await pay();
    const tip = await anvil.publicClient.getBlock();
    const balance = await anvil.publicClient.getBalance({ address: anvil.accounts[1]!.address });

    await anvil.stop();
    await expect(fetch(anvil.rpcUrl, { method: "POST" })).rejects.toThrow();
    await anvil.start();

    expect(await anvil.publicClient.getBlock()).toEqual(tip);
    expect(await anvil.publicClient.getBalance({ address: anvil.accounts[1]!.address })).toBe(balance);
    expect((await anvil.publicClient.getTransactionReceipt({ hash })).blockHash).toBe(tip.hash);
    const next = await pay();
    const receipt = await anvil.publicClient.getTransactionReceipt({ hash: next });
    expect(receipt.blockNumber).toBe(tip.number + 1n);
  });
});

describe("startAnvil with a block time", () => {
  let anvil: TestAnvil;
  beforeAll(async () => {
    anvil = await startAnvil({ blockTime: 1 });
  });
  afterAll(() => anvil?.stop());

  const height = () => anvil.publicClient.getBlockNumber();

  it("mines blocks on its own, also after a restart", async () => {
    const start = await height();
    await until(async () => (await height()) >= start + 2n, { timeoutMs: 5_000, message: "interval blocks" });

    await anvil.stop();
    await expect(fetch(anvil.rpcUrl, { method: "POST" })).rejects.toThrow();
    await anvil.start();

    const resumed = await height();
    expect(resumed).toBeGreaterThanOrEqual(start + 2n);
    await until(async () => (await height()) > resumed, {
      timeoutMs: 5_000,
      message: "a block after restart",
    });
  });
});
