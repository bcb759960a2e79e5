import { type Stack, startStack, until } from "@paygate/testkit";
import { encodeFunctionData, type Hex, parseAbi, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BITCOIN_BACKENDS, type BitcoinStack, CHAIN, startBitcoinStack } from "./support/bitcoin-stack.ts";

/**
 * Contract section 8: bad chain data never stops a scanner. Anyone can send a 0-sat output or a 0-value
 * transfer to an address on a checkout page; it is skipped with a warning and a metric, and a real payment in
 * the same block still confirms.
 */
describe.each(BITCOIN_BACKENDS)("a 0-sat output to a watched address (%s backend)", (backend) => {
  let stack: BitcoinStack;

  beforeAll(async () => {
    stack = await startBitcoinStack({ backend });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("is skipped with a metric; the real payment in the same block confirms and the scanner goes on", async () => {
    const created = await stack.createIntent({ amount: "0.5" });
    const real = stack.pay(created.address, "0.5");
    // relay policy refuses dust, a miner need not: the 0-sat output goes straight into the block
    const bystander = await stack.createIntent({ amount: "0.0001" });
    const zero = stack.sim.createTransaction([
      { to: created.address, amountSats: 0n },
      { to: bystander.address, amountSats: 10_000n },
    ]);
    stack.sim.mine(1, { transactions: [zero] });
    const height = BigInt(stack.sim.tipHeight());
    expect(stack.sim.node.chain.location(zero.getId())).toBeDefined();

    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed.payments.map((payment) => payment.tx_hash)).toEqual([real]);
    await stack.scannedTo(height);
    const metrics = stack.watcher!.metrics.chains.get(CHAIN)!;
    expect(metrics.skippedObservations.zero_amount).toBeGreaterThanOrEqual(1);
    expect(metrics.pollFailures).toBe(0);
    // the same transaction's other output counts
    await stack.waitForStatus(bystander.id, "confirmed");

    // and the chain goes on: the next block's payment is seen
    const next = await stack.createIntent({ amount: "0.1" });
    stack.pay(next.address, "0.1");
    await stack.scannedTo(stack.mine(1));
    await stack.waitForStatus(next.id, "confirmed");
  });
});

describe("0-value transfers to a watched address on an EVM chain", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("a 0-value ETH transfer and a 0-amount Transfer log beside a real payment are skipped; it confirms", async () => {
    const eth = await stack.createIntent({ amount: "1" });
    const tusd = await stack.createIntent({ amount: "5", asset: "TUSD" });
    const { anvil, payer, token } = stack;
    const erc20 = parseAbi(["function transfer(address to, uint256 amount) returns (bool)"]);
    const nonce = await anvil.publicClient.getTransactionCount({ address: payer.address });
    const calls = [
      { to: eth.address as Hex, value: 0n },
      {
        to: token.address,
        data: encodeFunctionData({ abi: erc20, functionName: "transfer", args: [tusd.address as Hex, 0n] }),
      },
      { to: eth.address as Hex, value: parseEther("1") },
      {
        to: token.address,
        data: encodeFunctionData({
          abi: erc20,
          functionName: "transfer",
          args: [tusd.address as Hex, 5_000_000n],
        }),
      },
    ];
    // all four in one block
    await anvil.testClient.setAutomine(false);
    const hashes: Hex[] = [];
    try {
      for (const [i, call] of calls.entries()) {
        const prepared = await anvil.walletClient.prepareTransactionRequest({
          account: payer,
          nonce: nonce + i,
          gas: 100_000n,
          ...call,
        });
        hashes.push(
          await anvil.walletClient.sendRawTransaction({
            serializedTransaction: await anvil.walletClient.signTransaction(prepared),
          }),
        );
      }
      await anvil.mine(1);
    } finally {
      await anvil.testClient.setAutomine(true);
    }
    const receipts = await Promise.all(
      hashes.map((hash) => anvil.publicClient.waitForTransactionReceipt({ hash })),
    );
    expect(new Set(receipts.map((receipt) => receipt.blockNumber)).size).toBe(1);
    expect(receipts.every((receipt) => receipt.status === "success")).toBe(true);
    expect(receipts[1]!.logs).toHaveLength(1); // the token emits a Transfer of 0

    await stack.scannedTo(receipts[0]!.blockNumber);
    await stack.mine(1);
    const paidEth = await stack.waitForStatus(eth.id, "confirmed");
    const paidTusd = await stack.waitForStatus(tusd.id, "confirmed");
    expect(paidEth.payments.map((payment) => payment.tx_hash)).toEqual([hashes[2]]);
    expect(paidTusd.payments.map((payment) => payment.tx_hash)).toEqual([hashes[3]]);
    const metrics = stack.watcher!.metrics.chains.get("anvil")!;
    await until(() => (metrics.skippedObservations.zero_amount ?? 0) >= 2);
    expect(metrics.pollFailures).toBe(0);
  });
});
