import { test, useStack } from "@paygate/testkit";
import { describe, expect } from "vitest";

/** S6: overpayment: confirmed with `overpaid_amount`, and `payment.overpaid`. */

useStack();

describe("S6 overpayment", () => {
  test("confirms, sets overpaid_amount and emits payment.overpaid", async ({ stack }) => {
    const created = await stack.createIntent({ amount: "10", asset: "TUSD" });
    await stack.pay(created.address, "12.5", { asset: "TUSD" });
    await stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({
      amount_due: "10.000000",
      amount_received: "12.500000",
      amount_confirmed: "12.500000",
      overpaid_amount: "2.500000",
    });
    const expected = ["payment.pending", "payment.confirmed", "payment.overpaid"];
    expect(await stack.waitForEvents(created.id, 3)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });
});
