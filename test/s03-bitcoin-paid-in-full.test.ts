import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BITCOIN_BACKENDS, type BitcoinStack, startBitcoinStack } from "./support/bitcoin-stack.ts";

/** S3: Bitcoin (P2WPKH from a vpub) paid in full: pending from the mempool, confirmed at the threshold. */
describe.each(BITCOIN_BACKENDS)("S3 Bitcoin paid in full (%s backend)", (backend) => {
  let stack: BitcoinStack;

  beforeAll(async () => {
    stack = await startBitcoinStack({ backend });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("is pending from the mempool and confirmed by the first block (regtest threshold 1)", async () => {
    const created = await stack.createIntent({ amount: "0.015" });
    expect(created).toMatchObject({
      status: "awaiting_payment",
      required_confirmations: 1,
      amount_due: "0.01500000",
    });
    expect(created.address).toMatch(/^bcrt1q/);
    expect(created.payment_uri).toBe(`bitcoin:${created.address}?amount=0.015`);

    const txid = stack.pay(created.address, "0.015");
    const pending = await stack.waitForPayment(created.id, txid);
    expect(pending).toMatchObject({
      status: "pending",
      amount_received: "0.01500000",
      amount_confirmed: "0.00000000",
    });
    expect(pending.payments).toMatchObject([
      {
        tx_hash: txid,
        amount: "0.01500000",
        block_number: null,
        confirmations: 0,
        status: "pending",
        rbf: true,
      },
    ]);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.pending"]);

    const height = stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({
      amount_due: "0.01500000",
      amount_received: "0.01500000",
      amount_confirmed: "0.01500000",
      overpaid_amount: null,
      late: false,
    });
    expect(confirmed.payments).toMatchObject([
      { tx_hash: txid, block_number: Number(height), confirmations: 1, status: "confirmed" },
    ]);
    const expected = ["payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 2)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });

  it("with 2 confirmations asked: still pending after one block, confirmed exactly at the second", async () => {
    const created = await stack.createIntent({ amount: "0.2", confirmations: 2 });
    expect(created.required_confirmations).toBe(2);
    const txid = stack.pay(created.address, "0.2", { rbf: false });
    const seen = await stack.waitForPayment(created.id, txid);
    expect(seen.payments).toMatchObject([{ tx_hash: txid, confirmations: 0, rbf: false }]);

    const first = stack.mine(1);
    await stack.scannedTo(first);
    expect(await stack.intent(created.id)).toMatchObject({
      status: "pending",
      amount_confirmed: "0.00000000",
      payments: [{ tx_hash: txid, confirmations: 1, status: "pending" }],
    });

    stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({ amount_confirmed: "0.20000000" });
    expect(confirmed.payments).toMatchObject([{ confirmations: 2, status: "confirmed" }]);
    const expected = ["payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 2)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });
});
