import { test, until, useStack } from "@paygate/testkit";
import { describe, expect } from "vitest";

/** S5: partial payment, then expiry: underpaid; a top-up inside the monitoring window: pending, confirmed. */

useStack();

describe("S5 partial payment, expiry, top-up", () => {
  test("is underpaid at expiry and confirmed after a top-up inside the monitoring window", async ({
    stack,
  }) => {
    const created = await stack.createIntent({ amount: "1", asset: "ETH" });
    await stack.pay(created.address, "0.4");
    await stack.mine(1);
    const partial = await stack.waitForStatus(created.id, "pending");
    const expiresAt = await stack.setExpiry(created.id, 1500);
    expect(partial.status).toBe("pending");

    const underpaid = await stack.waitForStatus(created.id, "underpaid");
    expect(underpaid).toMatchObject({
      amount_received: "0.400000000000000000",
      amount_confirmed: "0.400000000000000000",
      late: false,
    });
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.underpaid"]);

    // block timestamps are whole seconds: make sure the top-up's block is after the expiry
    await until(() => Date.now() > expiresAt.getTime() + 1100, { timeoutMs: 5000 });
    const topUp = await stack.pay(created.address, "0.6");
    await stack.scannedTo(topUp.blockNumber);
    expect((await stack.intent(created.id)).status).toBe("pending");
    await stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    // the top-up came after expiry
    expect(confirmed).toMatchObject({ amount_confirmed: "1.000000000000000000", late: true });
    const expected = ["payment.pending", "payment.underpaid", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 4)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });
});
