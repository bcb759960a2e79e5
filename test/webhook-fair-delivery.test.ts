import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Dispatcher, startDispatcher } from "@paygate/dispatcher";
import { type Config, EVENTS_CHANNEL, loadConfig, newId, serializeEventBody } from "@paygate/shared";
import {
  createTestDatabase,
  deletePrefixKeys,
  insertEvent,
  REDIS_URL,
  type Receiver,
  startReceiver,
  type TestDatabase,
  testRedisPrefix,
  until,
} from "@paygate/testkit";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createMerchant, registerEndpoint } from "./support/webhook-harness.ts";

/**
 * Contract section 8, fair delivery: merchant A's 16 endpoints never answer and thousands of its deliveries are
 * queued; merchant B's webhooks still arrive at about their usual latency, measured in the same run with A idle.
 */
let database: TestDatabase;
let config: Config;
const prefix = testRedisPrefix();
let dispatcher: Dispatcher;
let receiver: Receiver;
let hangingNow = 0;
let hangingMost = 0;
const hangServer = createServer((_request, response) => {
  // never answered: each request holds its worker until the 15 s timeout
  hangingNow += 1;
  hangingMost = Math.max(hangingMost, hangingNow);
  response.on("close", () => {
    hangingNow -= 1;
  });
});

beforeAll(async () => {
  database = await createTestDatabase();
  config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    PAYGATE_QUEUE_PREFIX: prefix,
    PAYGATE_ENV: "development",
    LOG_LEVEL: "silent",
    WEBHOOK_RETRY_SCHEDULE: "600",
  });
  receiver = await startReceiver();
  await new Promise<void>((resolve) => hangServer.listen(0, "127.0.0.1", resolve));
  dispatcher = await startDispatcher(config, { sweepIntervalMs: 500 });
});

afterAll(async () => {
  hangServer.closeAllConnections();
  await dispatcher?.stop();
  await new Promise((resolve) => hangServer.close(resolve));
  await receiver?.close();
  const redis = new Redis(REDIS_URL);
  await deletePrefixKeys(redis, prefix);
  await redis.quit();
  await database?.drop();
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** B's webhooks one after another: how long each took from its event's commit to the receiver. */
async function latenciesOfB(merchantB: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const before = receiver.requests.length;
    const sent = Date.now();
    const event = await insertEvent(database.db, merchantB);
    await until(() => receiver.requests.length > before, { timeoutMs: 60_000 });
    expect(receiver.requests.at(-1)!.headers["webhook-id"]).toBe(event.id);
    latencies.push(receiver.requests.at(-1)!.receivedAt - sent);
  }
  return latencies;
}

test("merchant A's 16 dead endpoints and 16,000 queued deliveries do not delay merchant B", async () => {
  const merchantA = await createMerchant(database.db);
  const merchantB = await createMerchant(database.db);
  const hangUrl = `http://127.0.0.1:${(hangServer.address() as AddressInfo).port}/hook`;
  for (let i = 0; i < 16; i += 1) await registerEndpoint(database.db, merchantA, `${hangUrl}/${i}`);
  await registerEndpoint(database.db, merchantB, receiver.url);

  await latenciesOfB(merchantB, 3); // warm up connections and caches
  const baseline = median(await latenciesOfB(merchantB, 9));

  const events = Array.from({ length: 1000 }, () => {
    const id = newId("evt");
    const body = serializeEventBody({
      id,
      type: "payment.confirmed",
      createdAt: new Date(),
      data: { payment_intent: { id: "pi_a", object: "payment_intent" }, sequence: 1 },
    });
    return { id, merchant_id: merchantA, type: "payment.confirmed", dedupe_key: id, body };
  });
  await database.db.insertInto("events").values(events).execute();
  await sql`select pg_notify(${EVENTS_CHANNEL}, ${"a"})`.execute(database.db);
  const queued = async () =>
    Number(
      (
        await database.db
          .selectFrom("deliveries")
          .innerJoin("events", "events.id", "deliveries.event_id")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("events.merchant_id", "=", merchantA)
          .executeTakeFirstOrThrow()
      ).n,
    );
  await until(async () => (await queued()) === 16_000, { timeoutMs: 60_000 });
  // A holds every worker slot it may: its requests hang
  await until(() => hangingNow >= 20, { timeoutMs: 30_000 });

  const underLoadAll = await latenciesOfB(merchantB, 9);
  const underLoad = median(underLoadAll);
  console.log(`B latency: baseline median ${baseline} ms; with A loaded ${underLoadAll.join(", ")} ms`);
  // A's hung requests are capped per merchant (20 of the 50 worker slots), and its backlog waits behind B
  expect(hangingMost).toBe(20);
  expect(underLoad, `baseline ${baseline} ms, under load ${underLoad} ms`).toBeLessThanOrEqual(
    Math.max(10 * baseline, 50),
  );
}, 240_000); // sixteen thousand deliveries to fan out and cycle on a shared machine
