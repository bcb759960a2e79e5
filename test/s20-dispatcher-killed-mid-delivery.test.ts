import { type ChildProcess, spawn } from "node:child_process";
import { type Stack, test, until, useStack } from "@paygate/testkit";
import { expect } from "vitest";
import { deliveriesOf, type OutboxEvent, outboxEventsOf, payIntent } from "./support/webhook-harness.ts";

const RETRY_SCHEDULE = "0.2,0.4";
// No in-process dispatcher: this scenario runs real dispatcher processes and kills one.
useStack({ env: { WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE }, dispatcher: false });

const children: ChildProcess[] = [];

function startDispatcherProcess(stack: Stack): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--conditions=@paygate/source", "--import", "tsx", "test/support/dispatcher-process.ts"],
    {
      cwd: new URL("..", import.meta.url).pathname,
      env: {
        ...process.env,
        DATABASE_URL: stack.config.databaseUrl,
        REDIS_URL: stack.config.redisUrl,
        PAYGATE_QUEUE_PREFIX: stack.prefix,
        PAYGATE_ENV: "development",
        WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  return child;
}

/** Resolves once the process says it is ready (loading it under tsx takes a while on a busy machine). */
const ready = (child: ChildProcess) =>
  new Promise<void>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("dispatcher ready")) resolve();
    });
    child.once("exit", (code) =>
      reject(new Error(`the dispatcher process exited (${code}) before it was ready`)),
    );
  });

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });

test.afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

test("S20 dispatcher killed with SIGKILL mid-delivery and restarted: every event delivered, none lost", async ({
  stack,
}) => {
  // The first request is held open: the dispatcher is killed while waiting for its answer.
  let release: (() => void) | undefined;
  let answered = 0;
  stack.receiver.setResponder((request) =>
    ++answered === 1
      ? new Promise((resolve) => {
          release = () => resolve({ status: 503 });
        })
      : { status: request.verified ? 200 : 400 },
  );

  const first = startDispatcherProcess(stack);
  await ready(first);
  const paid = [];
  for (let i = 0; i < 3; i += 1) paid.push(await payIntent(stack));
  await until(() => release !== undefined || first.exitCode !== null, { timeoutMs: 20_000 });
  expect(first.exitCode, "the dispatcher process died on its own").toBeNull();

  first.kill("SIGKILL");
  expect(await exited(first)).toEqual({ code: null, signal: "SIGKILL" });
  const heldEventId = stack.receiver.requests[0]!.headers["webhook-id"]!;
  // The held request's delivery was never recorded: the process died before the answer.
  const heldDelivery = (await deliveriesOf(stack.db, heldEventId))[0]!;
  expect(heldDelivery).toMatchObject({ status: "pending", attempt_count: 0 });
  release!();
  // Events written while no dispatcher runs (the confirmations) wait in the outbox.
  await stack.mine(1);
  const events: OutboxEvent[] = [];
  for (const { intent } of paid) {
    await stack.waitForStatus(intent.id, "confirmed");
    events.push(...(await outboxEventsOf(stack.db, intent.id)));
  }
  expect(events).toHaveLength(6);

  const second = startDispatcherProcess(stack);
  await ready(second);
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
  const resent = stack.receiver.requests.filter((request) => request.headers["webhook-id"] === heldEventId);
  expect(resent.length).toBeGreaterThanOrEqual(2);
  expect(new Set(resent.map((request) => request.body))).toEqual(new Set([stack.receiver.requests[0]!.body]));
  for (const { intent } of paid) {
    expect(stack.eventsFor(intent.id)).toEqual(["payment.pending", "payment.confirmed"]);
  }

  // Graceful shutdown: SIGTERM stops the process cleanly.
  second.kill("SIGTERM");
  expect(await exited(second)).toEqual({ code: 0, signal: null });
}, 60_000);
