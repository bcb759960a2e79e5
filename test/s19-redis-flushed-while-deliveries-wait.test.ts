import { type Dispatcher, startDispatcher } from "@paygate/dispatcher";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  answer,
  createMerchant,
  deletePrefixKeys,
  deliveriesOf,
  insertEvent,
  type Receiver,
  registerEndpoint,
  startTestReceiver,
  startWebhookStack,
  until,
  type WebhookStack,
} from "./support/webhook-harness.ts";

let stack: WebhookStack;
let receiver: Receiver;
let dispatcher: Dispatcher;
let secret: string | undefined;

beforeAll(async () => {
  // The first retry waits ~1.5 s, long enough to wipe Redis while every job sits in the delayed set.
  stack = await startWebhookStack({ WEBHOOK_RETRY_SCHEDULE: "1.5,0.2" });
  receiver = await startTestReceiver({ secret: () => secret, respond: answer(503, "maintenance") });
  dispatcher = await startDispatcher(stack.config, { sweepIntervalMs: 200 });
});

afterAll(async () => {
  await dispatcher?.stop();
  await receiver?.close();
  await stack?.close();
});

test("S19 Redis flushed while deliveries wait: PostgreSQL still knows what is owed, and everything is delivered", async () => {
  const merchant = await createMerchant(stack.db);
  const endpoint = await registerEndpoint(stack.db, merchant, receiver.url);
  secret = endpoint.secret;
  const events: { id: string; body: string }[] = [];
  for (let i = 0; i < 4; i += 1) events.push(await insertEvent(stack.db, merchant, "payment.pending"));

  const delayedKey = `${stack.prefix}:webhook-deliveries:delayed`;
  await until(async () => (await stack.redis.zcard(delayedKey)) === events.length);
  const waiting = await stack.db.selectFrom("deliveries").selectAll().execute();
  expect(waiting.map((row) => [row.status, row.attempt_count])).toEqual(events.map(() => ["pending", 1]));

  // "FLUSHALL", scoped to this file's prefix: the queue, the delayed jobs and the endpoint slots are gone.
  expect(await deletePrefixKeys(stack.redis, stack.prefix)).toBeGreaterThan(0);
  expect(await stack.redis.zcard(delayedKey)).toBe(0);
  receiver.respondWith(answer(200, "ok"));

  for (const event of events) {
    await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "succeeded", {
      timeoutMs: 10_000,
    });
  }
  const accepted = receiver.received.filter((request) => request.status === 200);
  expect(new Set(accepted.map((request) => request.headers["webhook-id"]))).toEqual(
    new Set(events.map((e) => e.id)),
  );
  expect(accepted.every((request) => request.verified)).toBe(true);
});
