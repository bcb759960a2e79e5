import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  getEndpoint,
  listDeliveries,
  recoverEndpoint,
  redeliverEvent,
  updateEndpoint,
} from "@paygate/shared";
import { freePort, insertEvent, type Stack, test, until, useStack } from "@paygate/testkit";
import { Webhook } from "standardwebhooks";
import { expect } from "vitest";
import {
  attemptsOf,
  createMerchant,
  deliveriesOf,
  payIntent,
  registerEndpoint,
} from "./support/webhook-harness.ts";

useStack({ env: { WEBHOOK_RETRY_SCHEDULE: "0.1,0.1" } });

const paygate = (stack: Stack, args: string[]) =>
  promisify(execFile)(process.execPath, ["packages/cli/bin/paygate.mjs", ...args], {
    cwd: new URL("..", import.meta.url).pathname,
    env: {
      ...process.env,
      DATABASE_URL: stack.config.databaseUrl,
      REDIS_URL: stack.config.redisUrl,
      PAYGATE_QUEUE_PREFIX: stack.prefix,
      PAYGATE_ENV: "development",
      LOG_LEVEL: "silent",
    },
  });

const policy = { env: "development", allowedCidrs: [] } as const;

/** Points the stack merchant's endpoint at a port where nothing listens (the receiver is down). */
async function receiverDown(stack: Stack): Promise<number> {
  const port = await freePort();
  await updateEndpoint(
    stack.db,
    stack.merchant.merchantId,
    stack.endpoint.id,
    { url: `http://127.0.0.1:${port}/webhooks` },
    policy,
  );
  return port;
}

test("S18 receiver down beyond the schedule: failed; redeliver sends the same id and body, freshly signed", async ({
  stack,
  startReceiver,
}) => {
  const port = await receiverDown(stack);
  const { intent, events } = await payIntent(stack);
  const event = events[0]!;
  expect(event.type).toBe("payment.pending");

  await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "failed", {
    timeoutMs: 15_000,
  });
  const [dead] = await deliveriesOf(stack.db, event.id);
  expect(dead).toMatchObject({ attempt_count: 3, next_attempt_at: null, manual: false });
  const attempts = await attemptsOf(stack.db, dead!.id);
  expect(attempts.map((attempt) => attempt.status_code)).toEqual([null, null, null]);
  expect(attempts.every((attempt) => attempt.error?.includes("ECONNREFUSED"))).toBe(true);
  expect(await listDeliveries(stack.db, { status: "failed", limit: 10 })).toMatchObject([
    { id: dead!.id, event: event.id, endpoint: stack.endpoint.id, status: "failed", attempts: 3 },
  ]);

  const receiver = await startReceiver({ port, secret: stack.endpoint.secret });
  const resentAt = Math.floor(Date.now() / 1000);
  const redelivery = await redeliverEvent(stack.db, stack.merchant.merchantId, event.id);
  expect(redelivery.deliveries).toHaveLength(1);
  await until(() => receiver.requests.length === 1 && receiver.requests[0]!.status === 200);

  const [resent] = receiver.requests;
  expect(resent!.headers["webhook-id"]).toBe(event.id);
  expect(resent!.body).toBe(event.body);
  expect(Number(resent!.headers["webhook-timestamp"])).toBeGreaterThanOrEqual(resentAt);
  expect(resent!.verified).toBe(true);
  expect(new Webhook(stack.endpoint.secret).verify(resent!.body, resent!.headers)).toEqual(
    JSON.parse(event.body),
  );
  await until(async () => (await deliveriesOf(stack.db, event.id)).some((row) => row.status === "succeeded"));
  const rows = await deliveriesOf(stack.db, event.id);
  expect(rows.map((row) => [row.manual, row.status])).toEqual([
    [false, "failed"],
    [true, "succeeded"],
  ]);
  // the receiver is back: the confirmation goes straight through, the intent is paid in full
  await stack.mine(1);
  expect(await stack.waitForStatus(intent.id, "confirmed")).toMatchObject({
    amount_confirmed: "0.010000000000000000",
  });
  await until(() =>
    receiver.requests.some((request) => JSON.parse(request.body).type === "payment.confirmed"),
  );
  expect(receiver.requests.map((request) => [JSON.parse(request.body).type, request.status])).toEqual([
    ["payment.pending", 200],
    ["payment.confirmed", 200],
  ]);
});

test("S18 from the command line: deliveries list --failed, then events redeliver", async ({
  stack,
  startReceiver,
}) => {
  const port = await receiverDown(stack);
  const { events } = await payIntent(stack);
  const event = events[0]!;
  await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "failed", {
    timeoutMs: 15_000,
  });

  const listed = JSON.parse((await paygate(stack, ["--json", "deliveries", "list", "--failed"])).stdout) as {
    event: string;
    status: string;
  }[];
  expect(listed.filter((row) => row.event === event.id)).toMatchObject([{ status: "failed" }]);
  const human = (await paygate(stack, ["deliveries", "list", "--failed"])).stdout;
  expect(human).toContain(event.id);
  expect(human).toContain("ECONNREFUSED");

  const cliReceiver = await startReceiver({ port, secret: stack.endpoint.secret });
  const answer = JSON.parse(
    (await paygate(stack, ["--json", "events", "redeliver", event.id, "--endpoint", stack.endpoint.id]))
      .stdout,
  );
  expect(answer).toMatchObject({ object: "redelivery", deliveries: [expect.stringMatching(/^dlv_/)] });
  await until(() => cliReceiver.requests.some((request) => request.status === 200));
  expect(cliReceiver.requests[0]).toMatchObject({ body: event.body, verified: true });
  expect(cliReceiver.requests[0]!.headers["webhook-id"]).toBe(event.id);
});

test("410 Gone disables the endpoint at once; an endpoint failing for 5 days is disabled too", async ({
  stack,
  startReceiver,
}) => {
  const gone = await startReceiver({ respond: () => ({ status: 410, body: "gone" }) });
  const broken = await startReceiver({ respond: () => ({ status: 500 }) });
  const shop = await createMerchant(stack.db);
  const goneEndpoint = await registerEndpoint(stack.db, shop, gone.url);
  const goneEvent = await insertEvent(stack.db, shop);
  await until(async () => (await deliveriesOf(stack.db, goneEvent.id))[0]?.status === "failed");
  expect(await getEndpoint(stack.db, shop, goneEndpoint.id)).toMatchObject({
    enabled: false,
    disabled_reason: "the endpoint answered 410 Gone",
  });
  expect(gone.requests).toHaveLength(1);
  await updateEndpoint(stack.db, shop, goneEndpoint.id, { enabled: false }, policy);

  const other = await createMerchant(stack.db);
  const brokenEndpoint = await registerEndpoint(stack.db, other, broken.url);
  await stack.db
    .updateTable("webhook_endpoints")
    .set({ failing_since: new Date(Date.now() - 5 * 86_400_000 - 60_000) })
    .where("id", "=", brokenEndpoint.id)
    .execute();
  const brokenEvent = await insertEvent(stack.db, other);
  await until(async () => (await getEndpoint(stack.db, other, brokenEndpoint.id)).enabled === false);
  expect((await getEndpoint(stack.db, other, brokenEndpoint.id)).disabled_reason).toBe(
    "every delivery failed for 5 days",
  );
  // Its pending retry is dropped (dead letter) instead of being sent to a disabled endpoint.
  await until(async () => (await deliveriesOf(stack.db, brokenEvent.id))[0]?.status === "failed");
  expect(broken.requests).toHaveLength(1);

  // An event made while the endpoint is disabled gets no delivery at all...
  const missedEvent = await insertEvent(stack.db, other);
  await until(async () => {
    const row = await stack.db
      .selectFrom("events")
      .select("relayed_at")
      .where("id", "=", missedEvent.id)
      .executeTakeFirstOrThrow();
    return row.relayed_at !== null;
  });
  expect(await deliveriesOf(stack.db, missedEvent.id)).toEqual([]);

  // ...re-enabling resets the clock, and recover resends what the outage left behind, that event included.
  await updateEndpoint(stack.db, other, brokenEndpoint.id, { enabled: true }, policy);
  broken.setResponder(() => ({ status: 204 }));
  const recovery = await recoverEndpoint(stack.db, other, brokenEndpoint.id, {
    since: new Date(Date.now() - 60_000),
  });
  expect(recovery).toEqual({ object: "recovery", deliveries: 2 });
  for (const event of [brokenEvent, missedEvent]) {
    await until(async () =>
      (await deliveriesOf(stack.db, event.id)).some((row) => row.status === "succeeded"),
    );
  }
  expect(broken.requests.slice(1).map((request) => request.headers["webhook-id"])).toEqual([
    brokenEvent.id,
    missedEvent.id,
  ]);
  expect((await getEndpoint(stack.db, other, brokenEndpoint.id)).failing_since).toBeNull();
});
