import { test, useStack } from "@paygate/testkit";
import { describe, expect } from "vitest";

/** S15: the watcher stopped while payments are mined, started later: catches up and emits every event once. */

useStack();

describe("S15 watcher restart", () => {
  test("catches up from its checkpoint and emits every event once", async ({ stack }) => {
    const full = await stack.createIntent({ amount: "1", asset: "ETH" });
    const split = await stack.createIntent({ amount: "30", asset: "TUSD" });
    await stack.pay(split.address, "10", { asset: "TUSD" });
    expect(await stack.waitForEvents(split.id, 1)).toEqual(["payment.pending"]);

    await stack.stopWatcher();
    await stack.pay(full.address, "1");
    await stack.pay(split.address, "20", { asset: "TUSD" });
    const head = await stack.mine(3);
    expect((await stack.intent(full.id)).status).toBe("awaiting_payment");

    await stack.startWatcher();
    await stack.scannedTo(head);
    await stack.waitForStatus(full.id, "confirmed");
    await stack.waitForStatus(split.id, "confirmed");

    // a second restart with nothing new changes nothing
    await stack.stopWatcher();
    await stack.startWatcher();
    const next = await stack.mine(1);
    await stack.scannedTo(next);

    const fullEvents = ["payment.pending", "payment.confirmed"];
    const splitEvents = ["payment.pending", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(full.id, 2)).toEqual(fullEvents);
    expect(await stack.waitForEvents(split.id, 3)).toEqual(splitEvents);
    expect(await stack.recordedEvents(full.id)).toEqual(fullEvents);
    expect(await stack.recordedEvents(split.id)).toEqual(splitEvents);
    const payments = await stack.db.selectFrom("payments").select("tx_hash").execute();
    expect(payments).toHaveLength(3);
  });
});
