import { deletePrefixKeys, REDIS_URL, test, until, useStack } from "@paygate/testkit";
import { Redis } from "ioredis";
import { expect } from "vitest";
import { deliveriesOf, type OutboxEvent, outboxEventsOf, payIntent } from "./support/webhook-harness.ts";

// The first retry waits ~6 s, long enough to pay every intent and wipe Redis while each job sits delayed.
useStack({ env: { WEBHOOK_RETRY_SCHEDULE: "6,0.2" } });

test("S19 Redis flushed while deliveries wait: PostgreSQL still knows what is owed, and everything is delivered", async ({
  stack,
}) => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  try {
    stack.receiver.setResponder(() => ({ status: 503, body: "maintenance" }));
    const paid: Awaited<ReturnType<typeof payIntent>>[] = [];
    for (let i = 0; i < 3; i += 1) paid.push(await payIntent(stack));
    expect(paid.map(({ events: [first] }) => first!.type)).toEqual(paid.map(() => "payment.pending"));

    // Each payment's block confirms the one before (2 confirmations on anvil): every event the intents have
    // so far failed its first attempt once, and waits for its retry in Redis's delayed set.
    const delayedKey = `${stack.prefix}:webhook-deliveries:delayed`;
    const outbox = async () =>
      (await Promise.all(paid.map(({ intent }) => outboxEventsOf(stack.db, intent.id)))).flat();
    const firstAttempts = (events: OutboxEvent[]) =>
      Promise.all(events.map(async (event) => (await deliveriesOf(stack.db, event.id))[0]));
    // three payment.pending and, for the first two intents, payment.confirmed: wait for all five, or a late
    // confirmation would miss the snapshot and be delivered beside it
    const expectedEvents = 2 * paid.length - 1;
    const events = await until(
      async () => {
        const all = await outbox();
        if (all.length < expectedEvents) return undefined;
        const rows = await firstAttempts(all);
        const waiting = rows.every((row) => row?.attempt_count === 1);
        return waiting && (await redis.zcard(delayedKey)) === all.length ? all : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect((await firstAttempts(events)).map((row) => [row?.status, row?.attempt_count])).toEqual(
      events.map(() => ["pending", 1]),
    );

    // "FLUSHALL", scoped to this file's prefix: the queue, the delayed jobs and the endpoint slots are gone.
    expect(await deletePrefixKeys(redis, stack.prefix)).toBeGreaterThan(0);
    expect(await redis.zcard(delayedKey)).toBe(0);
    stack.receiver.setResponder((request) => ({ status: request.verified ? 200 : 400 }));

    for (const event of events) {
      await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "succeeded", {
        timeoutMs: 20_000,
      });
    }
    const accepted = stack.receiver.requests.filter((request) => request.status === 200);
    expect(new Set(accepted.map((request) => request.headers["webhook-id"]))).toEqual(
      new Set(events.map((e) => e.id)),
    );
    for (const event of events) {
      expect(accepted.find((request) => request.headers["webhook-id"] === event.id)?.body).toBe(event.body);
    }

    // the confirmations follow: each intent's merchant saw exactly pending, then confirmed
    await stack.mine(1);
    for (const { intent } of paid) {
      expect(await stack.waitForStatus(intent.id, "confirmed")).toMatchObject({
        amount_confirmed: "0.010000000000000000",
      });
      expect(await stack.waitForEvents(intent.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
    }
  } finally {
    await redis.quit();
  }
}, 60_000);
