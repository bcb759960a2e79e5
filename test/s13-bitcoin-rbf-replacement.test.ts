import { networks, payments } from "bitcoinjs-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BITCOIN_BACKENDS, type BitcoinStack, startBitcoinStack } from "./support/bitcoin-stack.ts";

/**
 * S13: a mempool payment replaced by RBF to another address: `payment.reverted`; a replacement paying the same
 * address with a new txid is the new payment. Also the other ways a mempool payment vanishes: dropped without
 * being mined, and double-spent by a transaction mined straight into a block.
 */
/** A regtest address nobody watches. */
const elsewhere = () =>
  payments.p2wpkh({ hash: new Uint8Array(20).fill(7), network: networks.regtest }).address!;

describe.each(BITCOIN_BACKENDS)("S13 Bitcoin RBF replacement (%s backend)", (backend) => {
  let stack: BitcoinStack;

  beforeAll(async () => {
    stack = await startBitcoinStack({ backend });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("a replacement paying another address reverts the payment: back to awaiting_payment", async () => {
    const created = await stack.createIntent({ amount: "0.1" });
    const original = stack.pay(created.address, "0.1");
    const pending = await stack.waitForPayment(created.id, original);
    expect(pending).toMatchObject({ status: "pending", amount_received: "0.10000000" });
    expect(pending.payments).toMatchObject([{ tx_hash: original, status: "pending", rbf: true }]);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.pending"]);

    const replacement = stack.sim.replace(original, { to: elsewhere() });
    expect(stack.sim.mempool()).toEqual([replacement]);
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.reverted"]);
    const reverted = await stack.waitForStatus(created.id, "awaiting_payment");
    expect(reverted).toMatchObject({ amount_received: "0.00000000" });
    expect(reverted.payments).toMatchObject([{ tx_hash: original, status: "reverted" }]);

    // the replacement is mined: it pays elsewhere, so nothing changes
    await stack.scannedTo(stack.mine(1));
    expect(await stack.intent(created.id)).toMatchObject({
      status: "awaiting_payment",
      payments: [{ tx_hash: original, status: "reverted" }],
    });
    expect(await stack.recordedEvents(created.id)).toEqual(["payment.pending", "payment.reverted"]);
  });

  it("a fee bump paying the same address is the new payment, confirmed when mined", async () => {
    const created = await stack.createIntent({ amount: "0.25" });
    const original = stack.pay(created.address, "0.25");
    await stack.waitForPayment(created.id, original);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.pending"]);

    const bumped = stack.sim.replace(original, { feeRate: 10 });
    expect(bumped).not.toBe(original);
    const replaced = await stack.waitForPayment(created.id, bumped);
    expect(await stack.waitForEvents(created.id, 3)).toEqual([
      "payment.pending",
      "payment.reverted",
      "payment.pending",
    ]);
    expect(replaced).toMatchObject({ status: "pending", amount_received: "0.25000000" });

    stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed).toMatchObject({ amount_received: "0.25000000", amount_confirmed: "0.25000000" });
    const byTx = new Map(confirmed.payments.map((payment) => [payment.tx_hash, payment]));
    expect(byTx.get(original)).toMatchObject({ status: "reverted", amount: "0.25000000" });
    expect(byTx.get(bumped)).toMatchObject({ status: "confirmed", amount: "0.25000000", rbf: true });
    const expected = ["payment.pending", "payment.reverted", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 4)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });

  it("a payment dropped from the mempool without being mined is reverted; sent again, it counts again", async () => {
    const created = await stack.createIntent({ amount: "0.05" });
    const txid = stack.pay(created.address, "0.05", { rbf: false });
    await stack.waitForPayment(created.id, txid);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.pending"]);

    expect(stack.sim.drop(txid)).toEqual([txid]);
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.reverted"]);
    await stack.waitForStatus(created.id, "awaiting_payment");

    stack.sim.rebroadcast(txid);
    await stack.waitForStatus(created.id, "pending");
    stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed.payments).toMatchObject([{ tx_hash: txid, status: "confirmed", rbf: false }]);
    const expected = ["payment.pending", "payment.reverted", "payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 4)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });

  it("a double spend mined straight into a block evicts the payment: reverted", async () => {
    const created = await stack.createIntent({ amount: "0.07" });
    const txid = stack.pay(created.address, "0.07");
    await stack.waitForPayment(created.id, txid);
    expect(await stack.waitForEvents(created.id, 1)).toEqual(["payment.pending"]);

    const conflict = stack.sim.createConflict(txid, { to: elsewhere() });
    stack.sim.mine(1, { transactions: [conflict], includeMempool: false });
    expect(stack.sim.mempool()).not.toContain(txid);
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.reverted"]);
    const reverted = await stack.waitForStatus(created.id, "awaiting_payment");
    expect(reverted.payments).toMatchObject([{ tx_hash: txid, status: "reverted" }]);
    expect(await stack.recordedEvents(created.id)).toEqual(["payment.pending", "payment.reverted"]);
  });
});
