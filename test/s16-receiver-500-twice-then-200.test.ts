import { listEventDeliveries, sendTestEvent } from "@paygate/shared";
import { insertEvent, test, until, useStack } from "@paygate/testkit";
import { expect } from "vitest";
import {
  attemptsOf,
  createMerchant,
  deliveriesOf,
  payIntent,
  registerEndpoint,
} from "./support/webhook-harness.ts";

/** The retry delays in seconds: the second far enough above the first that the gaps must grow. */
const SCHEDULE_S = [0.2, 1];
useStack({ env: { WEBHOOK_RETRY_SCHEDULE: SCHEDULE_S.join(",") } });

test("S16 receiver answers 500 twice, then 200: three attempts, one webhook-id, delivered", async ({
  stack,
}) => {
  let answered = 0;
  stack.receiver.setResponder((request) =>
    ++answered <= 2
      ? { status: 500, body: "boom" }
      : request.verified
        ? { status: 200, body: "ok" }
        : { status: 400, body: "bad signature" },
  );
  const { intent, events } = await payIntent(stack);
  const event = events[0]!;
  expect(event.type).toBe("payment.pending");
  // a real body, as large as metadata lets it be, under the contract's 20 KiB
  expect(Buffer.byteLength(event.body)).toBeGreaterThan(12_000);
  expect(Buffer.byteLength(event.body)).toBeLessThan(20 * 1024);

  await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "succeeded", {
    timeoutMs: 15_000,
  });
  const received = stack.receiver.requests.filter((request) => request.headers["webhook-id"] === event.id);
  expect(received.map((request) => request.status)).toEqual([500, 500, 200]);
  expect(received.every((request) => request.body === event.body && request.verified)).toBe(true);
  expect(JSON.parse(received[2]!.body)).toMatchObject({
    type: "payment.pending",
    data: { payment_intent: { id: intent.id, status: "pending", amount_received: "0.010000000000000000" } },
  });

  const eventRow = await stack.db
    .selectFrom("events")
    .selectAll()
    .where("id", "=", event.id)
    .executeTakeFirstOrThrow();
  expect(eventRow.relayed_at!.getTime()).toBeGreaterThanOrEqual(eventRow.created_at.getTime());

  const [delivery] = await deliveriesOf(stack.db, event.id);
  expect(delivery).toMatchObject({ status: "succeeded", attempt_count: 3, next_attempt_at: null });
  const attempts = await attemptsOf(stack.db, delivery!.id);
  expect(attempts.map((attempt) => [attempt.attempt, attempt.status_code, attempt.response_body])).toEqual([
    [1, 500, "boom"],
    [2, 500, "boom"],
    [3, 200, "ok"],
  ]);
  // The schedule, from the recorded attempts alone: retry n waits at least its delay minus the 20% jitter,
  // counted from the end of the failed attempt, and the waits grow as the schedule does.
  const waits = [0, 1].map(
    (i) =>
      attempts[i + 1]!.started_at.getTime() - (attempts[i]!.started_at.getTime() + attempts[i]!.duration_ms),
  );
  for (const [i, wait] of waits.entries())
    expect(wait).toBeGreaterThanOrEqual(SCHEDULE_S[i]! * 1000 * 0.8 - 2);
  expect(waits[1]).toBeGreaterThan(waits[0]!);
  const endpointRow = await stack.db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("id", "=", stack.endpoint.id)
    .executeTakeFirstOrThrow();
  expect(endpointRow.failing_since).toBeNull();

  // the receiver answers again: the confirmation follows, and the merchant saw exactly these events
  await stack.mine(1);
  expect(await stack.waitForStatus(intent.id, "confirmed")).toMatchObject({
    amount_received: "0.010000000000000000",
    amount_confirmed: "0.010000000000000000",
    metadata: { note_00: expect.stringMatching(/^é{90}x{410}$/) },
  });
  expect(await stack.waitForEvents(intent.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
});

test("at most 5 requests in flight per endpoint; a slow merchant does not hold up another", async ({
  stack,
  startReceiver,
}) => {
  let inFlight = 0;
  let maxInFlight = 0;
  const heldResponses: (() => void)[] = [];
  const slow = await startReceiver({
    respond: () =>
      new Promise((resolve) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        heldResponses.push(() => {
          inFlight -= 1;
          resolve({ status: 200 });
        });
      }),
  });
  const fast = await startReceiver();
  try {
    const slowShop = await createMerchant(stack.db);
    await registerEndpoint(stack.db, slowShop, slow.url);
    const fastShop = await createMerchant(stack.db);
    await registerEndpoint(stack.db, fastShop, fast.url);
    const slowEvents: { id: string }[] = [];
    for (let i = 0; i < 8; i += 1) slowEvents.push(await insertEvent(stack.db, slowShop, "payment.pending"));
    await until(() => slow.requests.length === 5);
    const fastEvent = await insertEvent(stack.db, fastShop);
    await until(async () => (await deliveriesOf(stack.db, fastEvent.id))[0]?.status === "succeeded");
    expect(slow.requests).toHaveLength(5);

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
  }
});

test("a webhook.test event goes to the chosen endpoint only", async ({ stack, startReceiver }) => {
  const shop = await createMerchant(stack.db);
  const chosen = await startReceiver();
  const other = await startReceiver();
  const endpoint = await registerEndpoint(stack.db, shop, chosen.url);
  await registerEndpoint(stack.db, shop, other.url);
  const event = await sendTestEvent(stack.db, shop, endpoint.id);
  await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "succeeded");
  expect(chosen.requests.map((request) => request.headers["webhook-id"])).toEqual([event.id]);
  expect(JSON.parse(chosen.requests[0]!.body)).toMatchObject({ type: "webhook.test", id: event.id });
  expect(other.requests).toEqual([]);
  const history = await listEventDeliveries(stack.db, shop, event.id);
  expect(history.data).toMatchObject([{ endpoint: endpoint.id, attempt: 1, status_code: 200, error: null }]);
});
