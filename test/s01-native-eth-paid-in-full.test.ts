import { test, useStack } from "@paygate/testkit";
import { describe, expect } from "vitest";

/** S1: native ETH paid in full on Anvil: pending after inclusion, confirmed exactly at the threshold. */

useStack();

describe("S1 native ETH paid in full", () => {
  test("is pending after inclusion and confirmed exactly when the block reaches 2 confirmations", async ({
    stack,
  }) => {
    const created = await stack.createIntent({ amount: "0.5", asset: "ETH" });
    expect(created).toMatchObject({ status: "awaiting_payment", required_confirmations: 2 });

    const payment = await stack.pay(created.address, "0.5");
    await stack.scannedTo(payment.blockNumber);
    const pending = await stack.intent(created.id);
    expect(pending).toMatchObject({
      status: "pending",
      amount_received: "0.500000000000000000",
      amount_confirmed: "0.000000000000000000",
    });
    expect(pending.payments).toMatchObject([
      {
        tx_hash: payment.hash,
        index: 0,
        amount: "0.500000000000000000",
        confirmations: 1,
        status: "pending",
      },
    ]);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.pending"]);

    await stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({
      amount_due: "0.500000000000000000",
      amount_received: "0.500000000000000000",
      amount_confirmed: "0.500000000000000000",
      overpaid_amount: null,
      late: false,
    });
    expect(confirmed.payments).toMatchObject([{ confirmations: 2, status: "confirmed" }]);
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
    expect(await stack.recordedEvents(created.id)).toEqual(["payment.pending", "payment.confirmed"]);
  });
});
