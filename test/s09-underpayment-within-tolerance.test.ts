import { test, useStack } from "@paygate/testkit";
import { describe, expect } from "vitest";

/** S9: an underpayment within the merchant's tolerance (1% here) is confirmed. */
useStack({ merchant: { toleranceBps: 100 } });

describe("S9 underpayment within tolerance", () => {
  test("confirms 99.5% of the amount due when the tolerance is 1%", async ({ stack }) => {
    const created = await stack.createIntent({ amount: "200", asset: "TUSD" });
    await stack.pay(created.address, "199", { asset: "TUSD" });
    await stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({
      amount_due: "200.000000",
      amount_received: "199.000000",
      amount_confirmed: "199.000000",
      overpaid_amount: null,
    });
    const expected = ["payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 2)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });
});
