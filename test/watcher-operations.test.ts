import { createLogger } from "@paygate/shared";
import { STACK_WATCHER_OPTIONS, type Stack, startStack, until } from "@paygate/testkit";
import { DeepReorgError, rescanChain, startWatcher } from "@paygate/watcher";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Operating the watcher: a hot standby taking over, `paygate rescan`, and a reorg deeper than the window. */
let stack: Stack;
const logger = createLogger({ level: "silent" });

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function cursor(): Promise<bigint> {
  const row = await stack.db
    .selectFrom("chain_cursors")
    .select("scanned_number")
    .where("chain", "=", "anvil")
    .executeTakeFirstOrThrow();
  return row.scanned_number;
}

describe("watcher operations", () => {
  let paidId = "";
  let paidBlock = 0n;

  it("a second watcher waits as a hot standby and takes over when the first stops", async () => {
    const standby = await startWatcher(stack.config, { ...STACK_WATCHER_OPTIONS, db: stack.db, logger });
    const first = stack.watcher!.metrics.chains.get("anvil")!;
    const second = standby.metrics.chains.get("anvil")!;
    try {
      const before = await stack.createIntent({ amount: "1", asset: "ETH" });
      const payment = await stack.pay(before.address, "1");
      await stack.scannedTo(payment.blockNumber);
      expect(first.active).toBe(true);
      expect(second).toMatchObject({ active: false, blocksScanned: 0 });

      await stack.stopWatcher();
      await until(() => second.active, { timeoutMs: 5000, message: "the standby to take the lock" });
      await stack.mine(1);
      await stack.waitForStatus(before.id, "confirmed");
      expect(second.blocksScanned).toBeGreaterThan(0);
      expect(await stack.waitForEvents(before.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
      paidId = before.id;
      paidBlock = payment.blockNumber;
    } finally {
      await standby.stop();
    }
  });

  it("rescan replays blocks idempotently, alone or through a running watcher", async () => {
    const head = await stack.mine(1);
    const events = await stack.recordedEvents(paidId);

    const alone = await rescanChain(
      stack.config,
      { chain: "anvil", fromBlock: paidBlock },
      { db: stack.db, logger },
    );
    expect(alone).toEqual({ scannedBy: "this-process", scannedTo: head });
    expect(await cursor()).toBe(head);

    await stack.startWatcher();
    const viaWatcher = await rescanChain(
      stack.config,
      { chain: "anvil", fromBlock: paidBlock },
      { db: stack.db, logger },
    );
    expect(viaWatcher).toEqual({ scannedBy: "running-watcher" });
    await stack.scannedTo(head);
    expect(await stack.recordedEvents(paidId)).toEqual(events);
    expect(
      await stack.db.selectFrom("payments").select("id").where("intent_id", "=", paidId).execute(),
    ).toHaveLength(1);
  });

  it("stops loudly on a reorg deeper than the kept window; rescan from below the fork recovers", async () => {
    await stack.stopWatcher();
    // keeps 2 (anvil's threshold) + 1 block hashes
    const watcher = await stack.startWatcher({ reorgMargin: 1 });
    const head = await stack.mine(6);
    await stack.scannedTo(head);
    await stack.anvil.rollback(5);

    await expect(watcher.done).rejects.toBeInstanceOf(DeepReorgError);
    expect(watcher.metrics.chains.get("anvil")).toMatchObject({ stopped: true, active: false });
    await stack.stopWatcher();

    const forkBase = head - 5n;
    const recovered = await rescanChain(
      stack.config,
      { chain: "anvil", fromBlock: forkBase },
      { db: stack.db, logger },
    );
    expect(recovered).toEqual({ scannedBy: "this-process", scannedTo: forkBase });
    await stack.startWatcher();
    const created = await stack.createIntent({ amount: "3", asset: "TUSD" });
    await stack.pay(created.address, "3", { asset: "TUSD" });
    await stack.mine(1);
    await stack.waitForStatus(created.id, "confirmed");
  });
});
