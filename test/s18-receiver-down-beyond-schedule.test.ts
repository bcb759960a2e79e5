import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type Dispatcher, startDispatcher } from "@paygate/dispatcher";
import {
  getEndpoint,
  listDeliveries,
  recoverEndpoint,
  redeliverEvent,
  updateEndpoint,
} from "@paygate/shared";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  answer,
  attemptsOf,
  createMerchant,
  deliveriesOf,
  freePort,
  insertEvent,
  type Receiver,
  registerEndpoint,
  startTestReceiver,
  startWebhookStack,
  until,
  type WebhookStack,
} from "./support/webhook-harness.ts";

let stack: WebhookStack;
let dispatcher: Dispatcher;
let receiver: Receiver | undefined;

const paygate = (args: string[]) =>
  promisify(execFile)(process.execPath, ["packages/cli/bin/paygate.mjs", ...args], {
    cwd: new URL("..", import.meta.url).pathname,
    env: { ...process.env, ...stack.env },
  });

beforeAll(async () => {
  stack = await startWebhookStack({ WEBHOOK_RETRY_SCHEDULE: "0.1,0.1" });
  dispatcher = await startDispatcher(stack.config, { sweepIntervalMs: 200 });
});

afterAll(async () => {
  await dispatcher?.stop();
  await receiver?.close();
  await stack?.close();
});

test("S18 receiver down beyond the schedule: failed; redeliver sends the same id and body, freshly signed", async () => {
  const port = await freePort();
  const merchant = await createMerchant(stack.db);
  const endpoint = await registerEndpoint(stack.db, merchant, `http://127.0.0.1:${port}/webhooks`);
  const event = await insertEvent(stack.db, merchant);

  await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "failed", {
    timeoutMs: 10_000,
  });
  const [dead] = await deliveriesOf(stack.db, event.id);
  expect(dead).toMatchObject({ attempt_count: 3, next_attempt_at: null, manual: false });
  const attempts = await attemptsOf(stack.db, dead!.id);
  expect(attempts.map((attempt) => attempt.status_code)).toEqual([null, null, null]);
  expect(attempts.every((attempt) => attempt.error?.includes("ECONNREFUSED"))).toBe(true);
  expect(await listDeliveries(stack.db, { status: "failed", limit: 10 })).toMatchObject([
    { id: dead!.id, event: event.id, endpoint: endpoint.id, status: "failed", attempts: 3 },
  ]);

  receiver = await startTestReceiver({ port, secret: () => endpoint.secret });
  const resentAt = Math.floor(Date.now() / 1000);
  const redelivery = await redeliverEvent(stack.db, merchant, event.id);
  expect(redelivery.deliveries).toHaveLength(1);
  await until(() => receiver!.received.length === 1 && receiver!.received[0]!.status === 200);

  const [resent] = receiver.received;
  expect(resent!.headers["webhook-id"]).toBe(event.id);
  expect(resent!.body).toBe(event.body);
  expect(Number(resent!.headers["webhook-timestamp"])).toBeGreaterThanOrEqual(resentAt);
  expect(resent!.verified).toBe(true);
  expect(
    new Webhook(endpoint.secret).verify(resent!.body, resent!.headers as Record<string, string>),
  ).toEqual(JSON.parse(event.body));
  await until(async () => (await deliveriesOf(stack.db, event.id)).some((row) => row.status === "succeeded"));
  const rows = await deliveriesOf(stack.db, event.id);
  expect(rows.map((row) => [row.manual, row.status])).toEqual([
    [false, "failed"],
    [true, "succeeded"],
  ]);
});

test("S18 from the command line: deliveries list --failed, then events redeliver", async () => {
  const merchant = await createMerchant(stack.db);
  const port = await freePort();
  const endpoint = await registerEndpoint(stack.db, merchant, `http://127.0.0.1:${port}/webhooks`);
  const event = await insertEvent(stack.db, merchant, "payment.expired");
  await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "failed", {
    timeoutMs: 10_000,
  });

  const listed = JSON.parse((await paygate(["--json", "deliveries", "list", "--failed"])).stdout) as {
    event: string;
    status: string;
  }[];
  expect(listed.filter((row) => row.event === event.id)).toMatchObject([{ status: "failed" }]);
  const human = (await paygate(["deliveries", "list", "--failed"])).stdout;
  expect(human).toContain(event.id);
  expect(human).toContain("ECONNREFUSED");

  const cliReceiver = await startTestReceiver({ port, secret: () => endpoint.secret });
  try {
    const answer = JSON.parse(
      (await paygate(["--json", "events", "redeliver", event.id, "--endpoint", endpoint.id])).stdout,
    );
    expect(answer).toMatchObject({ object: "redelivery", deliveries: [expect.stringMatching(/^dlv_/)] });
    await until(() => cliReceiver.received.some((request) => request.status === 200));
    expect(cliReceiver.received[0]).toMatchObject({ body: event.body, verified: true });
    expect(cliReceiver.received[0]!.headers["webhook-id"]).toBe(event.id);
  } finally {
    await cliReceiver.close();
  }
});

test("410 Gone disables the endpoint at once; an endpoint failing for 5 days is disabled too", async () => {
  const gone = await startTestReceiver({ respond: answer(410, "gone") });
  const broken = await startTestReceiver({ respond: answer(500) });
  try {
    const shop = await createMerchant(stack.db);
    const goneEndpoint = await registerEndpoint(stack.db, shop, gone.url);
    const goneEvent = await insertEvent(stack.db, shop);
    await until(async () => (await deliveriesOf(stack.db, goneEvent.id))[0]?.status === "failed");
    expect(await getEndpoint(stack.db, shop, goneEndpoint.id)).toMatchObject({
      enabled: false,
      disabled_reason: "the endpoint answered 410 Gone",
    });
    expect(gone.received).toHaveLength(1);
    await updateEndpoint(
      stack.db,
      shop,
      goneEndpoint.id,
      { enabled: false },
      { env: "development", allowedCidrs: [] },
    );

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
    expect(broken.received).toHaveLength(1);

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
    await updateEndpoint(
      stack.db,
      other,
      brokenEndpoint.id,
      { enabled: true },
      { env: "development", allowedCidrs: [] },
    );
    broken.respondWith(answer(204));
    const recovery = await recoverEndpoint(stack.db, other, brokenEndpoint.id, {
      since: new Date(Date.now() - 60_000),
    });
    expect(recovery).toEqual({ object: "recovery", deliveries: 2 });
    for (const event of [brokenEvent, missedEvent]) {
      await until(async () =>
        (await deliveriesOf(stack.db, event.id)).some((row) => row.status === "succeeded"),
      );
    }
    expect(broken.received.slice(1).map((request) => request.headers["webhook-id"])).toEqual([
      brokenEvent.id,
      missedEvent.id,
    ]);
    expect((await getEndpoint(stack.db, other, brokenEndpoint.id)).failing_since).toBeNull();
  } finally {
    await Promise.all([gone.close(), broken.close()]);
  }
});
