import { test, useStack } from "@paygate/testkit";
import { describe, expect } from "vitest";

/** S8: a second payment after confirmation: recorded, `payment.overpaid`, never a second `payment.confirmed`. */

useStack();

describe("S8 second payment after confirmation", () => {
  test("records it and emits payment.overpaid, never a second payment.confirmed", async ({ stack }) => {
    const created = await stack.createIntent({ amount: "1", asset: "ETH" });
    await stack.pay(created.address, "1");
    await stack.mine(1);
    await stack.waitForStatus(created.id, "confirmed");

    const second = await stack.pay(created.address, "0.25");
    const head = await stack.mine(2);
    await stack.scannedTo(head);
    const after = await stack.intent(created.id);
    expect(after).toMatchObject({
      status: "confirmed",
      amount_received: "1.250000000000000000",
      overpaid_amount: "0.250000000000000000",
    });
    expect(after.payments).toHaveLength(2);
    expect(after.payments.find((payment) => payment.tx_hash === second.hash)).toMatchObject({
      status: "confirmed",
      counted: true,
    });
    const expected = ["payment.pending", "payment.confirmed", "payment.overpaid"];
    expect(await stack.waitForEvents(created.id, 3)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });
});
