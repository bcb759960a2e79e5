import { test, useStack } from "@paygate/testkit";
import { describe, expect } from "vitest";

/**
 * S11: a reorg removes the block holding a pending payment: `payment.reverted`, the intent back to
 * `awaiting_payment`; when the transaction is mined again: pending, then confirmed on the new chain.
 */

const expected = ["payment.pending", "payment.reverted", "payment.pending", "payment.confirmed"];

useStack();

describe("S11 reorg reverts a pending payment", () => {
  test("anvil_reorg replaces the block: reverted, awaiting_payment, then pending and confirmed when re-mined", async ({
    stack,
  }) => {
    const created = await stack.createIntent({ amount: "1", asset: "ETH" });
    const payment = await stack.pay(created.address, "1");
    await stack.scannedTo(payment.blockNumber);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.pending"]);

    await stack.anvil.reorg(1);
    const reverted = await stack.waitForStatus(created.id, "awaiting_payment");
    expect(reverted).toMatchObject({ amount_received: "0.000000000000000000" });
    expect(reverted.payments).toMatchObject([{ tx_hash: payment.hash, status: "reverted" }]);
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.reverted"]);

    const again = await stack.resend(payment.raw);
    expect(again.hash).toBe(payment.hash);
    await stack.scannedTo(again.blockNumber);
    await stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed.payments).toMatchObject([{ tx_hash: payment.hash, status: "confirmed" }]);
    expect(await stack.waitForEvents(created.id, 4)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });

  test("anvil_rollback drops the block: reverted, awaiting_payment, then pending and confirmed when re-mined", async ({
    stack,
  }) => {
    const created = await stack.createIntent({ amount: "50", asset: "TUSD" });
    const payment = await stack.pay(created.address, "50", { asset: "TUSD" });
    await stack.scannedTo(payment.blockNumber);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.pending"]);

    await stack.anvil.rollback(1);
    await stack.waitForStatus(created.id, "awaiting_payment");
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.reverted"]);
    const reorgs = stack.watcher!.metrics.chains.get("anvil")!.reorgs;
    expect(reorgs).toBeGreaterThanOrEqual(2);

    await stack.resend(payment.raw);
    await stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({ amount_confirmed: "50.000000" });
    expect(await stack.waitForEvents(created.id, 4)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });
});
