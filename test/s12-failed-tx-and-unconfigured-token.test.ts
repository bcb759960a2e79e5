import { deployTestToken, test, useStack } from "@paygate/testkit";
import type { Hex } from "viem";
import { describe, expect } from "vitest";

/**
 * S12: a reverted (failed) transaction to the address, and a transfer of an unconfigured token, are not
 * counted. (A configured token sent to an ETH intent is another asset: not counted either.)
 */

/** PUSH1 0 PUSH1 0 REVERT: any call to the address fails, value and all. */
const alwaysReverts = "0x60006000fd";

useStack();

describe("S12 failed transaction and unconfigured token", () => {
  test("counts neither, nor another asset, and still sees the real payment afterwards", async ({ stack }) => {
    const created = await stack.createIntent({ amount: "1", asset: "ETH" });
    const address = created.address as Hex;

    await stack.anvil.testClient.setCode({ address, bytecode: alwaysReverts });
    const failed = await stack.pay(address, "1", { gas: 100_000n });
    expect(failed.status).toBe("reverted");
    await stack.anvil.testClient.setCode({ address, bytecode: "0x" });

    const unconfigured = await deployTestToken(stack.anvil);
    await unconfigured.mint(address, 5_000_000n);
    const wrongAsset = await stack.pay(address, "1", { asset: "TUSD" });
    await stack.scannedTo(wrongAsset.blockNumber);

    const untouched = await stack.intent(created.id);
    expect(untouched).toMatchObject({ status: "awaiting_payment", amount_received: "0.000000000000000000" });
    expect(untouched.payments).toEqual([]);
    expect(await stack.recordedEvents(created.id)).toEqual([]);

    const real = await stack.pay(address, "1");
    await stack.mine(1);
    const confirmed = await stack.waitForStatus(created.id, "confirmed");
    expect(confirmed.payments).toMatchObject([{ tx_hash: real.hash, amount: "1.000000000000000000" }]);
    const expected = ["payment.pending", "payment.confirmed"];
    expect(await stack.waitForEvents(created.id, 2)).toEqual(expected);
    expect(await stack.recordedEvents(created.id)).toEqual(expected);
  });
});
