import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Stack, startStack, until } from "@paygate/testkit";
import { sql } from "kysely";
import { parseUnits } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSoak, type PlannedIntent } from "../scripts/soak/check.ts";
import { type FlakyReceiver, startFlakyReceiver } from "../scripts/soak/flaky-receiver.ts";
import { createPayer } from "../scripts/soak/payer.ts";
import { seededRandom } from "../scripts/soak/random.ts";

/**
 * The soak's check over a real run (API, watcher and dispatcher on Anvil) in which the gateway fails to emit
 * one event: a trigger drops the row as it is inserted, so the dispatcher never sees it and the outbox count
 * of undelivered events stays at zero. Only the per-intent oracle can see the hole, and it must name the intent.
 */
let stack: Stack;
let receiver: FlakyReceiver;
let dir: string;

beforeAll(async () => {
  stack = await startStack();
  dir = await mkdtemp(join(tmpdir(), "paygate-oracle-"));
  receiver = await startFlakyReceiver(seededRandom(1), join(dir, "receiver.jsonl"));
  receiver.setFlaky(false);
  const endpoint = await stack.request("POST", "/v1/webhook-endpoints", { body: { url: receiver.url } });
  receiver.setSecret(endpoint.body.secret);
});

afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the soak check on a run with one event dropped before delivery", () => {
  it("fails, naming that intent, and only that intent", async () => {
    const payer = await createPayer(stack.anvil, stack.token);
    const full = await stack.createIntent({ amount: "0.01", asset: "ETH" });
    const over = await stack.createIntent({ amount: "2.5", asset: "TUSD" });
    await sql
      .raw(
        `create function drop_one_event() returns trigger language plpgsql as $$ begin
           if new.intent_id = '${full.id}' and new.type = 'payment.pending' then return null; end if;
           return new;
         end $$;
         create trigger drop_one_event before insert on events for each row execute function drop_one_event()`,
      )
      .execute(stack.db);

    const planned = (intent: typeof full, kind: string, decimals: number): PlannedIntent => ({
      id: intent.id,
      kind,
      asset: intent.asset,
      amountDue: parseUnits(intent.amount_due, decimals),
      expiresAt: Date.parse(intent.expires_at),
    });
    const intents = [planned(full, "full", 18), planned(over, "over", 6)];
    await payer.pay(full.id, "ETH", full.address as `0x${string}`, intents[0]!.amountDue);
    await payer.pay(over.id, "TUSD", over.address as `0x${string}`, (intents[1]!.amountDue * 3n) / 2n);
    await stack.mine(2);
    await stack.waitForStatus(full.id, "confirmed");
    await stack.waitForStatus(over.id, "confirmed");
    const accepted = (intentId: string) =>
      new Set(
        receiver.log
          .filter((entry) => entry.intentId === intentId && entry.answer === 200)
          .map((e) => e.eventId),
      ).size;
    await until(
      async () =>
        accepted(full.id) === 1 &&
        accepted(over.id) === 3 &&
        (await stack.db.selectFrom("deliveries").select("id").where("status", "!=", "succeeded").execute())
          .length === 0,
      { timeoutMs: 20_000, message: "every recorded event delivered" },
    );

    const findings = await checkSoak({
      db: stack.db,
      intents,
      payments: payer.payments,
      inclusions: await payer.inclusions(),
      received: receiver.log,
      drops: payer.drops,
      now: Date.now(),
    });
    expect(findings.counts).toMatchObject({ intents: 2, lost: 0, eventSetsMatched: 1 });
    expect(findings.violations).toEqual([
      `${full.id} (full ETH): sequence 2, not 1..1`,
      expect.stringMatching(
        new RegExp(
          `^${full.id} \\(full ETH\\): expected \\[payment\\.confirmed, payment\\.pending@0x[0-9a-f]{64}\\], got \\[payment\\.confirmed\\]$`,
        ),
      ),
    ]);
  });
});
