import { test, until, useStack } from "@paygate/testkit";
import { expect } from "vitest";
import { attemptsOf, deliveriesOf, payIntent } from "./support/webhook-harness.ts";

const REQUEST_TIMEOUT_MS = 400;
/** How long the receiver holds its first answer: well past the dispatcher's timeout. */
const LATE_ANSWER_MS = REQUEST_TIMEOUT_MS * 3;
/** Stands in for the contract's 60 s floor after a timeout (`WEBHOOK_THROTTLED_RETRY_FLOOR_SECONDS`). */
const THROTTLED_FLOOR_MS = 700;

useStack({
  env: { WEBHOOK_RETRY_SCHEDULE: "0.2,0.2" },
  dispatcher: {
    webhooks: { requestTimeoutMs: REQUEST_TIMEOUT_MS, throttledRetryFloorMs: THROTTLED_FLOOR_MS },
  },
});

test("S17 receiver times out, then answers: the timeout is a failure and is retried", async ({ stack }) => {
  let answered = 0;
  // The first request sleeps past the dispatcher's timeout before answering; later ones answer at once.
  stack.receiver.setResponder((request) =>
    ++answered === 1
      ? { status: 200, body: "too late", delayMs: LATE_ANSWER_MS }
      : { status: request.verified ? 200 : 400, body: "ok" },
  );
  const { intent, events } = await payIntent(stack);
  const event = events[0]!;
  expect(event.type).toBe("payment.pending");

  await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "succeeded", {
    timeoutMs: 15_000,
  });

  const [delivery] = await deliveriesOf(stack.db, event.id);
  const attempts = await attemptsOf(stack.db, delivery!.id);
  expect(attempts).toHaveLength(2);
  expect(attempts[0]).toMatchObject({ attempt: 1, status_code: null, response_body: null });
  expect(attempts[0]!.error).toMatch(/^timeout waiting for the response/);
  // It waited the whole timeout, and gave up before the receiver's late answer.
  const [first] = stack.receiver.requests;
  expect(attempts[0]!.duration_ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 5);
  expect(attempts[0]!.started_at.getTime() + attempts[0]!.duration_ms).toBeLessThan(
    first!.receivedAt + LATE_ANSWER_MS,
  );
  expect(attempts[1]).toMatchObject({ attempt: 2, status_code: 200, error: null, response_body: "ok" });
  // After a timeout the next try waits at least the floor, even though the schedule says 0.2 s.
  const wait =
    attempts[1]!.started_at.getTime() - (attempts[0]!.started_at.getTime() + attempts[0]!.duration_ms);
  expect(wait).toBeGreaterThanOrEqual(THROTTLED_FLOOR_MS - 2);
  const received = stack.receiver.requests.filter((request) => request.headers["webhook-id"] === event.id);
  expect(received).toHaveLength(2);
  expect(received.every((request) => request.verified && request.body === event.body)).toBe(true);

  // then the confirmation, at once: the merchant saw exactly these events, the intent is paid in full
  await stack.mine(1);
  expect(await stack.waitForStatus(intent.id, "confirmed")).toMatchObject({
    amount_confirmed: "0.010000000000000000",
  });
  expect(await stack.waitForEvents(intent.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
});
