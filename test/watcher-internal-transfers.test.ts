import { deployForwarder, test, useStack } from "@paygate/testkit";
import type { Hex } from "viem";
import { parseEther } from "viem";
import { describe, expect } from "vitest";

/** `internal_transfers: true`: native coin sent by a contract (invisible in `tx.to`) is found in call traces. */
useStack({ chain: { internal_transfers: true } });

describe("internal transfers", () => {
  test("counts ether a contract forwards to the deposit address, indexed apart from the transaction's value", async ({
    stack,
  }) => {
    const forwarder = await deployForwarder(stack.anvil);
    const created = await stack.createIntent({ amount: "0.3", asset: "ETH" });
    const hash = await forwarder.forward(stack.payer, created.address as Hex, parseEther("0.3"));
    const receipt = await stack.anvil.publicClient.waitForTransactionReceipt({ hash });
    await stack.scannedTo(receipt.blockNumber);
    const pending = await stack.intent(created.id);
    expect(pending).toMatchObject({ status: "pending", amount_received: "0.300000000000000000" });
    // the forwarder's call is the first nested frame: index 1 + position 0
    expect(pending.payments).toMatchObject([{ tx_hash: hash, index: 1, status: "pending" }]);

    await stack.mine(1);
    await stack.waitForStatus(created.id, "confirmed");
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
    expect(stack.watcher!.metrics.chains.get("anvil")!.rpcCalls.debug_traceBlockByNumber).toBeGreaterThan(0);
  });
});
