import { type Dispatcher, startDispatcher } from "@paygate/dispatcher";
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

const REQUEST_TIMEOUT_MS = 400;
/** Stands in for the contract's 60 s floor after a timeout (`WEBHOOK_THROTTLED_RETRY_FLOOR_SECONDS`). */
const THROTTLED_FLOOR_MS = 700;

let stack: WebhookStack;
let receiver: Receiver;
let dispatcher: Dispatcher;
let secret: string | undefined;

beforeAll(async () => {
  stack = await startWebhookStack({ WEBHOOK_RETRY_SCHEDULE: "0.2,0.2" });
  receiver = await startTestReceiver({
    secret: () => secret,
    respond: (request, index, response) => {
      // The first request sleeps past the dispatcher's timeout before answering; later ones answer at once.
      if (index === 0)
        setTimeout(() => answer(200, "too late")(request, index, response), REQUEST_TIMEOUT_MS * 3);
      else answer(200, "ok")(request, index, response);
    },
  });
  dispatcher = await startDispatcher(stack.config, {
    sweepIntervalMs: 200,
    webhooks: { requestTimeoutMs: REQUEST_TIMEOUT_MS, throttledRetryFloorMs: THROTTLED_FLOOR_MS },
  });
});

afterAll(async () => {
  await dispatcher?.stop();
  await receiver?.close();
  await stack?.close();
});

test("S17 receiver times out, then answers: the timeout is a failure and is retried", async () => {
  const merchant = await createMerchant(stack.db);
  const endpoint = await registerEndpoint(stack.db, merchant, receiver.url);
  secret = endpoint.secret;
  const event = await insertEvent(stack.db, merchant);

  await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "succeeded", {
    timeoutMs: 10_000,
  });

  const [delivery] = await deliveriesOf(stack.db, event.id);
  const attempts = await attemptsOf(stack.db, delivery!.id);
  expect(attempts).toHaveLength(2);
  expect(attempts[0]).toMatchObject({ attempt: 1, status_code: null, response_body: null });
  expect(attempts[0]!.error).toMatch(/^timeout waiting for the response/);
  expect(attempts[0]!.duration_ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 5);
  expect(attempts[0]!.duration_ms).toBeLessThan(REQUEST_TIMEOUT_MS * 3);
  expect(attempts[1]).toMatchObject({ attempt: 2, status_code: 200, error: null, response_body: "ok" });
  // After a timeout the next try waits at least the floor, even though the schedule says 0.2 s.
  const wait =
    attempts[1]!.started_at.getTime() - (attempts[0]!.started_at.getTime() + attempts[0]!.duration_ms);
  expect(wait).toBeGreaterThanOrEqual(THROTTLED_FLOOR_MS - 2);
  expect(receiver.received.map((request) => request.headers["webhook-id"])).toEqual([event.id, event.id]);
  expect(receiver.received.every((request) => request.verified && request.body === event.body)).toBe(true);
});
