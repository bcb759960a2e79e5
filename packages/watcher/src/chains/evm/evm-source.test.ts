import { randomBytes } from "node:crypto";
import type { Chain } from "@paygate/shared";
import { deployTestToken, startAnvil, type TestAnvil, type TestToken } from "@paygate/testkit";
import { getAddress, http, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvmSource } from "./evm-source.ts";
import { countRequests } from "./transport.ts";

/** The cost of scanning a block is the same with 10 and with 100,000 watched addresses. */
let anvil: TestAnvil;
let token: TestToken;
let chain: Chain;

beforeAll(async () => {
  anvil = await startAnvil();
  token = await deployTestToken(anvil);
  chain = {
    id: "anvil",
    family: "evm",
    chainId: anvil.chainId,
    assets: [
      { symbol: "ETH", type: "native", decimals: 18 },
      { symbol: "TUSD", type: "erc20", decimals: 6, contract: token.address },
    ],
    requiredConfirmations: 2,
    finality: "confirmations",
    pollIntervalMs: 100,
    rpcUrls: [anvil.rpcUrl],
    maxBlockRange: 1000,
    internalTransfers: false,
  };
});

afterAll(async () => {
  await anvil?.stop();
});

function randomAddress(): `0x${string}` {
  return getAddress(`0x${randomBytes(20).toString("hex")}`);
}

describe("EVM source", () => {
  it("makes the same RPC calls per block with 10 and with 100,000 watched addresses", async () => {
    const paid = randomAddress();
    const stranger = randomAddress();
    const from = (await anvil.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n;
    await anvil.walletClient.sendTransaction({ to: paid, value: parseEther("1") });
    await token.mint(paid, 7_000_000n);
    await anvil.walletClient.sendTransaction({ to: stranger, value: parseEther("1") });
    await token.mint(stranger, 1n);
    await anvil.mine(3);
    const to = await anvil.publicClient.getBlockNumber({ cacheTime: 0 });

    const scan = async (watchedCount: number) => {
      const keys = new Set([
        paid.toLowerCase(),
        ...Array.from({ length: watchedCount - 1 }, () => randomAddress().toLowerCase()),
      ]);
      const calls: Record<string, number> = {};
      const source = createEvmSource(
        chain,
        countRequests(http(anvil.rpcUrl, { batch: true }), (method) => {
          calls[method] = (calls[method] ?? 0) + 1;
        }),
      );
      const single = await source.blocks(from, from, { has: (key) => keys.has(key) });
      const range = await source.blocks(from, to, { has: (key) => keys.has(key) });
      return { calls, single, range };
    };

    const few = await scan(10);
    const many = await scan(100_000);
    expect(many.calls).toEqual(few.calls);
    // one block: the block, its logs, the receipt of the one matching native transfer; the range: one
    // getBlock per block, one getLogs for the range, the same receipt
    const blocks = Number(to - from + 1n);
    expect(few.calls).toEqual({
      eth_getBlockByNumber: 1 + blocks,
      eth_getLogs: 2,
      eth_getTransactionReceipt: 2,
    });
    expect(many.range).toEqual(few.range);
    expect(few.range.flatMap((block) => block.transfers)).toMatchObject([
      { address: paid, asset: "ETH", index: 0, amount: parseEther("1") },
      { address: paid, asset: "TUSD", amount: 7_000_000n },
    ]);
    expect(few.range.map((block) => block.number)).toEqual(
      Array.from({ length: blocks }, (_, i) => from + BigInt(i)),
    );
  });

  it("reads headers, the head and the finalized block", async () => {
    const head = await createEvmSource(chain, http(anvil.rpcUrl)).head();
    const source = createEvmSource(chain, http(anvil.rpcUrl));
    const headers = await source.headers(head.number - 1n, head.number);
    expect(headers.map((header) => header.number)).toEqual([head.number - 1n, head.number]);
    expect(headers[1]).toMatchObject({ hash: head.hash, parentHash: headers[0]!.hash });
    expect(await source.finalized!()).toBeLessThanOrEqual(head.number);
  });
});
