import { type Stack, test, until, useStack } from "@paygate/testkit";
import { describe, expect } from "vitest";

/**
 * S7: a payment after expiry inside the monitoring window: expired, then pending with `late: true`, then
 * confirmed; after the window: recorded, no state change.
 */

/** Block timestamps are whole seconds: waits until the next block's time is surely past `column`. */
async function blockTimePast(
  stack: Stack,
  intentId: string,
  column: "expires_at" | "monitoring_ends_at",
): Promise<void> {
  const row = await stack.db
    .selectFrom("payment_intents")
    .select(column)
    .where("id", "=", intentId)
    .executeTakeFirstOrThrow();
  const at = (row as Record<typeof column, Date>)[column].getTime();
  await until(() => Date.now() > at + 1100, { timeoutMs: 5000, message: `${column} to be in the past` });
}

useStack();

describe("S7 payment after expiry", () => {
  test("inside the monitoring window: expired, then pending (late), then confirmed", async ({ stack }) => {
    const created = await stack.createIntent({ amount: "1", asset: "ETH" });
    await stack.setExpiry(created.id, 300);
    await stack.waitForStatus(created.id, "expired");
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.expired"]);

    await blockTimePast(stack, created.id, "expires_at");
    const payment = await stack.pay(created.address, "1");
    await stack.scannedTo(payment.blockNumber);
    expect(await stack.intent(created.id)).toMatchObject({ status: "pending", late: true });
    await stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({ late: true, amount_confirmed: "1.000000000000000000" });
    const expected = ["payment.expired", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 3)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });

  test("after the monitoring window: the payment is recorded and changes nothing", async ({ stack }) => {
    const created = await stack.createIntent({ amount: "1", asset: "ETH" });
    await stack.setExpiry(created.id, 200, 300);
    await stack.waitForStatus(created.id, "expired");
    await blockTimePast(stack, created.id, "monitoring_ends_at");

    const payment = await stack.pay(created.address, "1");
    await stack.mine(2);
    await stack.scannedTo(payment.blockNumber + 2n);
    const after = await stack.intent(created.id);
    expect(after).toMatchObject({ status: "expired", amount_received: "0.000000000000000000", late: false });
    expect(after.payments).toMatchObject([{ tx_hash: payment.hash, counted: false, status: "confirmed" }]);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.expired"]);
    expect(await stack.recordedEvents(created.id)).toEqual(["payment.expired"]);
  });
});
