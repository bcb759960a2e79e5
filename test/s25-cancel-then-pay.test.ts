import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { test, useStack } from "@paygate/testkit";
import { describe, expect } from "vitest";

/** S25: cancel an intent, then pay its address: recorded, no state change, listed for operators. */
const bin = fileURLToPath(new URL("../packages/cli/bin/paygate.mjs", import.meta.url));

useStack();

describe("S25 cancel, then pay", () => {
  test("records the payment as not counted and keeps the intent canceled", async ({ stack }) => {
    const created = await stack.createIntent({ amount: "1", asset: "ETH" });
    const canceled = await stack.request("POST", `/v1/payment-intents/${created.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe("canceled");

    const payment = await stack.pay(created.address, "1");
    const head = await stack.mine(2);
    await stack.scannedTo(head);
    const after = await stack.intent(created.id);
    expect(after).toMatchObject({ status: "canceled", amount_received: "0.000000000000000000" });
    expect(after.payments).toMatchObject([{ tx_hash: payment.hash, counted: false, status: "confirmed" }]);

    // what operators list: payments that changed nothing
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, "--json", "payments", "list", "--uncounted", "--chain", "anvil"],
      { env: { PATH: process.env.PATH, DATABASE_URL: stack.database.url, LOG_LEVEL: "silent" } },
    );
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({
        intent_id: created.id,
        intent_status: "canceled",
        merchant_id: stack.merchant.merchantId,
        tx_hash: payment.hash,
        amount: "1.000000000000000000",
        asset: "ETH",
        status: "confirmed",
      }),
    ]);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.canceled"]);
    expect(await stack.recordedEvents(created.id)).toEqual(["payment.canceled"]);
  });
});
