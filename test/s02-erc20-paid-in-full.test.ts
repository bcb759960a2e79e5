import { test, useStack } from "@paygate/testkit";
import { describe, expect } from "vitest";

/** S2: an ERC-20 (the test token, 6 decimals, deployed on Anvil) paid in full. */

useStack();

describe("S2 ERC-20 paid in full", () => {
  test("is pending at inclusion and confirmed at the threshold, the payment keyed by its log index", async ({
    stack,
  }) => {
    const created = await stack.createIntent({ amount: "25", asset: "TUSD" });
    expect(created).toMatchObject({ status: "awaiting_payment", amount_due: "25.000000", asset: "TUSD" });

    const payment = await stack.pay(created.address, "25", { asset: "TUSD" });
    const receipt = await stack.anvil.publicClient.getTransactionReceipt({ hash: payment.hash });
    await stack.scannedTo(payment.blockNumber);
    const pending = await stack.intent(created.id);
    expect(pending).toMatchObject({ status: "pending", amount_received: "25.000000" });
    expect(pending.payments).toMatchObject([
      { tx_hash: payment.hash, index: receipt.logs[0]!.logIndex, amount: "25.000000", status: "pending" },
    ]);

    await stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({
      amount_received: "25.000000",
      amount_confirmed: "25.000000",
      overpaid_amount: null,
    });
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
    expect(await stack.recordedEvents(created.id)).toEqual(["payment.pending", "payment.confirmed"]);
  });
});
