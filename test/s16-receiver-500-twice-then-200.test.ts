import { type Dispatcher, startDispatcher } from "@paygate/dispatcher";
import { listEventDeliveries, sendTestEvent } from "@paygate/shared";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  answer,
  attemptsOf,
  createMerchant,
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
  stack = await startWebhookStack({ WEBHOOK_RETRY_SCHEDULE: "0.3,0.6" });
  receiver = await startTestReceiver({
    secret: () => secret,
    respond: (request, index, response) =>
      answer(index < 2 ? 500 : 200, index < 2 ? "boom" : "ok")(request, index, response),
  });
  dispatcher = await startDispatcher(stack.config, { sweepIntervalMs: 200 });
});

afterAll(async () => {
  await dispatcher?.stop();
  await receiver?.close();
  await stack?.close();
});

test("S16 receiver answers 500 twice, then 200: three attempts, one webhook-id, delivered", async () => {
  const merchant = await createMerchant(stack.db);
  const endpoint = await registerEndpoint(stack.db, merchant, receiver.url);
  secret = endpoint.secret;
  const event = await insertEvent(stack.db, merchant);

  await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "succeeded", {
    timeoutMs: 10_000,
  });

  expect(receiver.received.map((request) => request.status)).toEqual([500, 500, 200]);
  expect(receiver.received.map((request) => request.headers["webhook-id"])).toEqual([
    event.id,
    event.id,
    event.id,
  ]);
  expect(receiver.received.every((request) => request.body === event.body && request.verified)).toBe(true);

  // LISTEN/NOTIFY: the outbox relay picks a new event up within 100 ms.
  const eventRow = await stack.db
    .selectFrom("events")
    .selectAll()
    .where("id", "=", event.id)
    .executeTakeFirstOrThrow();
  expect(eventRow.relayed_at!.getTime() - eventRow.created_at.getTime()).toBeLessThan(100);

  const [delivery] = await deliveriesOf(stack.db, event.id);
  expect(delivery).toMatchObject({ status: "succeeded", attempt_count: 3, next_attempt_at: null });
  const attempts = await attemptsOf(stack.db, delivery!.id);
  expect(attempts.map((attempt) => [attempt.attempt, attempt.status_code, attempt.response_body])).toEqual([
    [1, 500, "boom"],
    [2, 500, "boom"],
    [3, 200, "ok"],
  ]);
  // Each retry waits the scheduled delay +-20%, counted from the end of the failed attempt.
  for (const [index, scheduledMs] of [300, 600].entries()) {
    const failed = attempts[index]!;
    const wait =
      attempts[index + 1]!.started_at.getTime() - (failed.started_at.getTime() + failed.duration_ms);
    expect(wait).toBeGreaterThanOrEqual(scheduledMs * 0.8 - 2);
    expect(wait).toBeLessThanOrEqual(scheduledMs * 1.2 + 250);
  }
  const endpointRow = await stack.db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("id", "=", endpoint.id)
    .executeTakeFirstOrThrow();
  expect(endpointRow.failing_since).toBeNull();
});

test("at most 5 requests in flight per endpoint; a slow merchant does not hold up another", async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const heldResponses: (() => void)[] = [];
  const slow = await startTestReceiver({
    respond: (request, index, response) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      heldResponses.push(() => {
        inFlight -= 1;
        answer(200)(request, index, response);
      });
    },
  });
  const fast = await startTestReceiver();
  try {
    const slowShop = await createMerchant(stack.db);
    await registerEndpoint(stack.db, slowShop, slow.url);
    const fastShop = await createMerchant(stack.db);
    await registerEndpoint(stack.db, fastShop, fast.url);
    const slowEvents: { id: string }[] = [];
    for (let i = 0; i < 8; i += 1) slowEvents.push(await insertEvent(stack.db, slowShop, "payment.pending"));
    await until(() => slow.received.length === 5);
    const fastEvent = await insertEvent(stack.db, fastShop);
    await until(async () => (await deliveriesOf(stack.db, fastEvent.id))[0]?.status === "succeeded");
    expect(slow.received).toHaveLength(5);

    // Release one at a time as they arrive until every slow event is answered.
    await until(
      async () => {
        for (const release of heldResponses.splice(0)) release();
        const rows = await Promise.all(slowEvents.map((event) => deliveriesOf(stack.db, event.id)));
        return rows.every(([row]) => row?.status === "succeeded");
      },
      { timeoutMs: 10_000 },
    );
    expect(maxInFlight).toBe(5);
  } finally {
    for (const release of heldResponses.splice(0)) release();
    await Promise.all([slow.close(), fast.close()]);
  }
});

test("a webhook.test event goes to the chosen endpoint only", async () => {
  const shop = await createMerchant(stack.db);
  const chosen = await startTestReceiver();
  const other = await startTestReceiver();
  try {
    const endpoint = await registerEndpoint(stack.db, shop, chosen.url);
    await registerEndpoint(stack.db, shop, other.url);
    const event = await sendTestEvent(stack.db, shop, endpoint.id);
    await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "succeeded");
    expect(chosen.received.map((request) => request.headers["webhook-id"])).toEqual([event.id]);
    expect(JSON.parse(chosen.received[0]!.body)).toMatchObject({ type: "webhook.test", id: event.id });
    expect(other.received).toEqual([]);
    const history = await listEventDeliveries(stack.db, shop, event.id);
    expect(history.data).toMatchObject([
      { endpoint: endpoint.id, attempt: 1, status_code: 200, error: null },
    ]);
  } finally {
    await Promise.all([chosen.close(), other.close()]);
  }
});
