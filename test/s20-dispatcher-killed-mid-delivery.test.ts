import { type ChildProcess, spawn } from "node:child_process";
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  answer,
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
let secret: string | undefined;
const held: ServerResponse[] = [];
const children: ChildProcess[] = [];

function startDispatcherProcess(): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--conditions=@paygate/source", "--import", "tsx", "test/support/dispatcher-process.ts"],
    {
      cwd: new URL("..", import.meta.url).pathname,
      env: { ...process.env, ...stack.env, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });

beforeAll(async () => {
  stack = await startWebhookStack({ WEBHOOK_RETRY_SCHEDULE: "0.2,0.4" });
  receiver = await startTestReceiver({
    secret: () => secret,
    // The first request is held open: the dispatcher is killed while waiting for its answer.
    respond: (request, index, response) => {
      if (index === 0) held.push(response);
      else answer(200, "ok")(request, index, response);
    },
  });
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await receiver?.close();
  await stack?.close();
});

test("S20 dispatcher killed with SIGKILL mid-delivery and restarted: every event delivered, none lost", async () => {
  const merchant = await createMerchant(stack.db);
  const endpoint = await registerEndpoint(stack.db, merchant, receiver.url);
  secret = endpoint.secret;

  const first = startDispatcherProcess();
  const events: { id: string; body: string }[] = [];
  for (let i = 0; i < 5; i += 1) events.push(await insertEvent(stack.db, merchant));
  await until(() => held.length === 1 || first.exitCode !== null, { timeoutMs: 20_000 });
  expect(first.exitCode, "the dispatcher process died on its own").toBeNull();

  first.kill("SIGKILL");
  expect(await exited(first)).toEqual({ code: null, signal: "SIGKILL" });
  const heldEventId = receiver.received[0]!.headers["webhook-id"];
  // The held request's delivery was never recorded: the process died before the answer.
  const heldDelivery = (await deliveriesOf(stack.db, heldEventId as string))[0]!;
  expect(heldDelivery).toMatchObject({ status: "pending", attempt_count: 0 });
  held[0]!.destroy();
  // Events written while no dispatcher runs wait in the outbox.
  for (let i = 0; i < 2; i += 1) events.push(await insertEvent(stack.db, merchant, "payment.overpaid"));

  const second = startDispatcherProcess();
  for (const event of events) {
    await until(async () => (await deliveriesOf(stack.db, event.id))[0]?.status === "succeeded", {
      timeoutMs: 20_000,
    });
  }
  const accepted = receiver.received.filter((request) => request.status === 200);
  expect(new Set(accepted.map((request) => request.headers["webhook-id"]))).toEqual(
    new Set(events.map((e) => e.id)),
  );
  expect(accepted.every((request) => request.verified)).toBe(true);
  const resent = receiver.received.filter((request) => request.headers["webhook-id"] === heldEventId);
  expect(resent.length).toBeGreaterThanOrEqual(2);
  expect(new Set(resent.map((request) => request.body))).toEqual(new Set([receiver.received[0]!.body]));

  // Graceful shutdown: SIGTERM stops the process cleanly.
  second.kill("SIGTERM");
  expect(await exited(second)).toEqual({ code: 0, signal: null });
}, 60_000);
