import { until } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BITCOIN_BACKENDS, type BitcoinStack, CHAIN, startBitcoinStack } from "./support/bitcoin-stack.ts";

/**
 * Bitcoin variants of S4, S5, S7, S11, S14 and S15, on both backends (Bitcoin Core JSON-RPC and Esplora), end to
 * end from the simulator to the webhook receiver. On regtest one confirmation settles a payment; the mempool
 * makes every payment `pending` first.
 */
describe.each(BITCOIN_BACKENDS)("Bitcoin scenarios (%s backend)", (backend) => {
  let stack: BitcoinStack;

  beforeAll(async () => {
    stack = await startBitcoinStack({ backend });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const failures = () => stack.watcher!.metrics.chains.get(CHAIN)!.pollFailures;
  async function moreFailures(count: number): Promise<void> {
    const target = failures() + count;
    await until(() => failures() >= target, { timeoutMs: 10_000, message: `${count} more failed polls` });
  }

  it("S4 two transfers that together reach the amount due: pending, pending, confirmed", async () => {
    const created = await stack.createIntent({ amount: "1" });
    const first = stack.pay(created.address, "0.4");
    await stack.waitForPayment(created.id, first);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.pending"]);
    await stack.scannedTo(stack.mine(1));
    expect(await stack.intent(created.id)).toMatchObject({
      status: "pending",
      amount_received: "0.40000000",
      amount_confirmed: "0.40000000",
    });

    const second = stack.pay(created.address, "0.6");
    const both = await stack.waitForPayment(created.id, second);
    expect(both).toMatchObject({
      status: "pending",
      amount_received: "1.00000000",
      amount_confirmed: "0.40000000",
    });
    stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({ amount_confirmed: "1.00000000", overpaid_amount: null });
    expect(confirmed.payments).toHaveLength(2);
    const expected = ["payment.pending", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 3)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });

  it("S5 partial payment, expiry: underpaid; a top-up in the monitoring window: pending, confirmed (late)", async () => {
    const created = await stack.createIntent({ amount: "1" });
    const partial = stack.pay(created.address, "0.4");
    await stack.waitForPayment(created.id, partial);
    await stack.scannedTo(stack.mine(1));
    await stack.setExpiry(created.id, 500);

    const underpaid = await stack.waitForStatus(created.id, "underpaid");
    expect(underpaid).toMatchObject({
      amount_received: "0.40000000",
      amount_confirmed: "0.40000000",
      late: false,
    });
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.underpaid"]);

    // first seen in the mempool after expiry: that is its payment time
    const topUp = stack.pay(created.address, "0.6");
    const pending = await stack.waitForPayment(created.id, topUp);
    expect(pending).toMatchObject({ status: "pending", late: true, amount_received: "1.00000000" });
    stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({ amount_confirmed: "1.00000000", late: true });
    const expected = ["payment.pending", "payment.underpaid", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 4)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });

  it("S7 payment after expiry inside the monitoring window: expired, pending (late), confirmed", async () => {
    const created = await stack.createIntent({ amount: "0.3" });
    await stack.setExpiry(created.id, 300);
    await stack.waitForStatus(created.id, "expired");
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.expired"]);

    const txid = stack.pay(created.address, "0.3");
    const pending = await stack.waitForPayment(created.id, txid);
    expect(pending).toMatchObject({ status: "pending", late: true });
    stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({ late: true, amount_confirmed: "0.30000000" });
    const expected = ["payment.expired", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 3)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });

  it("S7 payment after the monitoring window: recorded once mined, no state change", async () => {
    const created = await stack.createIntent({ amount: "0.3" });
    const expiresAt = await stack.setExpiry(created.id, 200, 300);
    await stack.waitForStatus(created.id, "expired");
    await until(() => Date.now() > expiresAt.getTime() + 400, { timeoutMs: 5000 });

    const txid = stack.pay(created.address, "0.3");
    const height = stack.mine(1);
    await stack.scannedTo(height);
    const after = await stack.waitForPayment(created.id, txid);
    expect(after).toMatchObject({ status: "expired", amount_received: "0.00000000", late: false });
    expect(after.payments).toMatchObject([{ tx_hash: txid, counted: false, status: "confirmed" }]);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.expired"]);
    expect(await stack.recordedEvents(created.id)).toEqual(["payment.expired"]);
  });

  it("S11 a reorg removes the block holding a pending payment: reverted; seen again and confirmed", async () => {
    const created = await stack.createIntent({ amount: "0.5", confirmations: 2 });
    const txid = stack.pay(created.address, "0.5");
    await stack.waitForPayment(created.id, txid);
    const minedAt = stack.mine(1);
    await stack.scannedTo(minedAt);
    expect((await stack.intent(created.id)).payments).toMatchObject([
      { tx_hash: txid, block_number: Number(minedAt), confirmations: 1, status: "pending" },
    ]);

    // the new branch leaves the transaction out: it goes back to the mempool
    stack.sim.reorg(1);
    expect(stack.sim.mempool()).toContain(txid);
    expect(await stack.waitForEvents(created.id, 3)).toEqual([
      "payment.pending",
      "payment.reverted",
      "payment.pending",
    ]);
    expect(await stack.intent(created.id)).toMatchObject({
      status: "pending",
      payments: [{ tx_hash: txid, block_number: null, status: "pending" }],
    });

    stack.mine(2);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed.payments).toMatchObject([{ tx_hash: txid, confirmations: 2, status: "confirmed" }]);
    const expected = ["payment.pending", "payment.reverted", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 4)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
    expect(stack.watcher!.metrics.chains.get(CHAIN)!.reorgs).toBeGreaterThanOrEqual(1);
  });

  it("S11 a reorg whose new branch drops the transaction: reverted, awaiting_payment; sent again: confirmed", async () => {
    const created = await stack.createIntent({ amount: "0.5", confirmations: 2 });
    const txid = stack.pay(created.address, "0.5");
    await stack.waitForPayment(created.id, txid);
    await stack.scannedTo(stack.mine(1));

    stack.sim.reorg(1, { dropTxids: [txid] });
    expect(stack.sim.mempool()).not.toContain(txid);
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.reverted"]);
    const reverted = await stack.waitForStatus(created.id, "awaiting_payment");
    expect(reverted).toMatchObject({ amount_received: "0.00000000" });
    expect(reverted.payments).toMatchObject([{ tx_hash: txid, status: "reverted" }]);

    stack.sim.rebroadcast(txid);
    stack.mine(2);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed.payments).toMatchObject([{ tx_hash: txid, status: "confirmed" }]);
    const expected = ["payment.pending", "payment.reverted", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 4)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });

  it.each([
    ["refusing connections", "refuse"],
    ["answering 503", "unavailable"],
  ] as const)(
    "S14 backend down (%s): no state change while blind, no crash, catches up",
    async (_name, mode) => {
      const server = backend === "node" ? stack.sim.rpc : stack.sim.esplora;
      const paid = await stack.createIntent({ amount: "0.2" });
      const expiring = await stack.createIntent({ amount: "0.2" });
      await server.setDown(true, mode);
      await moreFailures(2);

      const txid = stack.pay(paid.address, "0.2");
      stack.mine(1);
      await stack.setExpiry(expiring.id, 100);
      const expiredAt = Date.now() + 100;
      await moreFailures(3);
      expect(Date.now()).toBeGreaterThan(expiredAt);
      expect(await stack.intent(paid.id)).toMatchObject({ status: "awaiting_payment", payments: [] });
      expect((await stack.intent(expiring.id)).status).toBe("awaiting_payment");
      expect(await stack.recordedEvents(paid.id)).toEqual([]);
      expect(await stack.recordedEvents(expiring.id)).toEqual([]);
      expect(stack.watcher!.metrics.chains.get(CHAIN)).toMatchObject({ active: true, stopped: false });

      await server.setDown(false);
      const confirmed = await stack.waitForStatus(paid.id, "confirmed");
      expect(confirmed.payments).toMatchObject([{ tx_hash: txid, status: "confirmed" }]);
      await stack.waitForStatus(expiring.id, "expired");
      // mined while the watcher was blind: first seen in its block, pending and confirmed at once
      expect(await stack.waitForEvents(paid.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
      expect(await stack.waitForEvents(expiring.id, 1)).toEqual(["payment.expired"]);
    },
  );

  // Esplora only: public instances answer 429 past their budget; a node has no such limit
  if (backend === "esplora") {
    it("S14 Esplora rate limit (429): backs off, still sees and confirms", async () => {
      const created = await stack.createIntent({ amount: "0.11" });
      stack.sim.esplora.setRateLimit({ maxRequests: 3, windowMs: 300 });
      try {
        const txid = stack.pay(created.address, "0.11");
        await stack.waitForPayment(created.id, txid);
        stack.mine(1);
        await stack.waitForStatus(created.id, "confirmed");
      } finally {
        stack.sim.esplora.setRateLimit(null);
      }
      expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
      expect(stack.watcher!.metrics.chains.get(CHAIN)).toMatchObject({ active: true, stopped: false });
    });
  }

  it("S15 watcher stopped while payments are mined: catches up from its checkpoint, every event once", async () => {
    const full = await stack.createIntent({ amount: "0.1" });
    const split = await stack.createIntent({ amount: "0.3" });
    const firstPart = stack.pay(split.address, "0.1");
    await stack.waitForPayment(split.id, firstPart);
    expect(await stack.waitForEvents(split.id, 1)).toEqual(["payment.pending"]);

    await stack.stopWatcher();
    stack.pay(full.address, "0.1");
    stack.pay(split.address, "0.2");
    const head = stack.mine(3);
    expect((await stack.intent(full.id)).status).toBe("awaiting_payment");

    await stack.startWatcher();
    await stack.scannedTo(head);
    await stack.waitForStatus(full.id, "confirmed");
    await stack.waitForStatus(split.id, "confirmed");

    // a second restart with nothing new changes nothing
    await stack.stopWatcher();
    await stack.startWatcher();
    await stack.scannedTo(stack.mine(1));

    const fullEvents = ["payment.pending", "payment.confirmed"];
    const splitEvents = ["payment.pending", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(full.id, 2)).toEqual(fullEvents);
    expect(await stack.waitForEvents(split.id, 3)).toEqual(splitEvents);
    expect(await stack.recordedEvents(full.id)).toEqual(fullEvents);
    expect(await stack.recordedEvents(split.id)).toEqual(splitEvents);
    const payments = await stack.db
      .selectFrom("payments")
      .select("tx_hash")
      .where("intent_id", "in", [full.id, split.id])
      .execute();
    expect(payments).toHaveLength(3);
  });
});
