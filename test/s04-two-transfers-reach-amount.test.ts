import { test, useStack } from "@paygate/testkit";
import { describe, expect } from "vitest";

/** S4: two transfers that together reach the amount due: pending, pending, confirmed. */

useStack();

describe("S4 two transfers reach the amount due", () => {
  test("emits pending for each transfer, then confirmed once both have their confirmations", async ({
    stack,
  }) => {
    const created = await stack.createIntent({ amount: "1", asset: "ETH" });
    await stack.pay(created.address, "0.4");
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.pending"]);

    const second = await stack.pay(created.address, "0.6");
    await stack.scannedTo(second.blockNumber);
    // the first transfer is confirmed now, the second is not: still pending
    const partly = await stack.intent(created.id);
    expect(partly).toMatchObject({
      status: "pending",
      amount_received: "1.000000000000000000",
      amount_confirmed: "0.400000000000000000",
    });

    await stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({ amount_confirmed: "1.000000000000000000", overpaid_amount: null });
    expect(confirmed.payments).toHaveLength(2);
    const expected = ["payment.pending", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 3)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });
});
