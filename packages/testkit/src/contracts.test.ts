import { type Hash, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnvil, type TestAnvil } from "./anvil/index.ts";
import { deployForwarder, deployTestToken } from "./contracts.ts";

describe("test contracts", () => {
  let anvil: TestAnvil;
  beforeAll(async () => {
    anvil = await startAnvil();
  });
  afterAll(() => anvil?.stop());

  const mined = async (hash: Hash) => {
    const receipt = await anvil.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    return receipt;
  };

  it("deploys a mintable 6-decimal token whose balances follow mints and transfers", async () => {
    const token = await deployTestToken(anvil);
    const [, alice, bob] = anvil.accounts.map((a) => a.address);
    expect(token.decimals).toBe(6);
    expect(
      await anvil.publicClient.readContract({
        address: token.address,
        abi: [
          {
            type: "function",
            name: "decimals",
            inputs: [],
            outputs: [{ type: "uint8" }],
            stateMutability: "view",
          },
        ],
        functionName: "decimals",
      }),
    ).toBe(6);

    await mined(await token.mint(alice!, 5_000_000n));
    await mined(await token.transfer(1, bob!, 1_250_000n));

    expect(await token.balanceOf(alice!)).toBe(3_750_000n);
    expect(await token.balanceOf(bob!)).toBe(1_250_000n);
  });

  it("honours other decimals", async () => {
    const token = await deployTestToken(anvil, { decimals: 18 });
    expect(token.decimals).toBe(18);
  });

  it("forwards ether in an internal call that the call tracer shows", async () => {
    const forwarder = await deployForwarder(anvil);
    const target = anvil.accounts[4]!.address;
    const before = await anvil.publicClient.getBalance({ address: target });
    const hash = await forwarder.forward(anvil.accounts[3]!, target, parseEther("0.5"));
    const { blockNumber } = await mined(hash);

    expect(await anvil.publicClient.getBalance({ address: target })).toBe(before + parseEther("0.5"));
    interface Frame {
      type: string;
      from: string;
      to: string;
      value?: string;
      calls?: Frame[];
    }
    const traces = await anvil.publicClient.request<{
      Method: "debug_traceBlockByNumber";
      Parameters: [string, { tracer: "callTracer" }];
      ReturnType: { txHash: Hash; result: Frame }[];
    }>({
      method: "debug_traceBlockByNumber",
      params: [`0x${blockNumber.toString(16)}`, { tracer: "callTracer" }],
    });
    const [trace] = traces;
    expect(trace?.txHash).toBe(hash);
    expect(trace?.result.to).toBe(forwarder.address.toLowerCase());
    expect(trace?.result.calls).toEqual([
      expect.objectContaining({
        type: "CALL",
        from: forwarder.address.toLowerCase(),
        to: target.toLowerCase(),
        value: `0x${parseEther("0.5").toString(16)}`,
      }),
    ]);
  });
});
