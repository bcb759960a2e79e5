import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Config,
  createEndpoint,
  type Db,
  EVENTS_CHANNEL,
  loadConfig,
  newId,
  serializeEventBody,
} from "@paygate/shared";
import { createTestDatabase, type TestDatabase } from "@paygate/testkit";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { Webhook } from "standardwebhooks";

export { freePort, until } from "@paygate/testkit";

/**
 * What the webhook scenarios (S16-S21) share: a database of their own, a Redis key prefix of their own (removed
 * afterwards; "flushing Redis" in S19 deletes exactly these keys), real HTTP receivers, and events written the
 * way reconcileIntent writes them (row + NOTIFY).
 */
export interface WebhookStack {
  database: TestDatabase;
  db: Db;
  config: Config;
  redis: Redis;
  prefix: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export async function startWebhookStack(environment: Record<string, string> = {}): Promise<WebhookStack> {
  const database = await createTestDatabase();
  const prefix = `paygate-test-${randomBytes(5).toString("hex")}`;
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    PAYGATE_QUEUE_PREFIX: prefix,
    PAYGATE_ENV: "development",
    LOG_LEVEL: "silent",
    WEBHOOK_RETRY_SCHEDULE: "0.2,0.4",
    ...environment,
  };
  const config = loadConfig(env);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  return {
    database,
    db: database.db,
    config,
    redis,
    prefix,
    env,
    async close() {
      await deletePrefixKeys(redis, prefix);
      await redis.quit();
      await database.drop();
    },
  };
}

/** Everything this test file put in Redis, and nothing else on the shared server. */
export async function deletePrefixKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== "0");
  return deleted;
}

export async function countPrefixKeys(redis: Redis, prefix: string): Promise<number> {
  return (await redis.keys(`${prefix}:*`)).length;
}

export async function createMerchant(db: Db): Promise<string> {
  const id = newId("mer");
  await db.insertInto("merchants").values({ id, name: "Webhook test shop" }).execute();
  return id;
}

export async function registerEndpoint(db: Db, merchantId: string, url: string, events?: string[]) {
  return createEndpoint(db, merchantId, { url, events }, { env: "development", allowedCidrs: [] });
}

/** An outbox event as reconcileIntent writes it: the row, then a NOTIFY on commit. */
export async function insertEvent(
  db: Db,
  merchantId: string,
  type = "payment.confirmed",
  data: Record<string, unknown> = {
    payment_intent: { id: "pi_test", object: "payment_intent" },
    sequence: 1,
  },
): Promise<{ id: string; body: string }> {
  const id = newId("evt");
  const body = serializeEventBody({ id, type, createdAt: new Date(), data });
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("events")
      .values({ id, merchant_id: merchantId, type, dedupe_key: id, body })
      .execute();
    await sql`select pg_notify(${EVENTS_CHANNEL}, ${id})`.execute(trx);
  });
  return { id, body };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** What the receiver's own standardwebhooks check said. */
  verified: boolean;
  status?: number;
}

export type Respond = (
  request: ReceivedWebhook,
  index: number,
  response: ServerResponse,
) => void | Promise<void>;

export interface Receiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Swap the behaviour while running. */
  respondWith(respond: Respond): void;
  close(): Promise<void>;
}

export const answer =
  (status: number, body = "") =>
  (_request: ReceivedWebhook, _index: number, response: ServerResponse) => {
    response.writeHead(status, { "content-type": "text/plain" }).end(body);
  };

/**
 * A real HTTP webhook receiver: records each raw body and headers and checks the signature with the
 * `standardwebhooks` library, as a merchant's server would. Unlike the shared `startReceiver` it can listen on
 * a given port (S18 brings a receiver up where one was down) and hold answers open under the test's control
 * (S20 kills the dispatcher mid-request; the per-endpoint limit counts requests in flight).
 */
export async function startTestReceiver(
  options: { secret?: () => string | undefined; respond?: Respond; port?: number } = {},
): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  let respond: Respond = options.respond ?? answer(200, "ok");
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const secret = options.secret?.();
      let verified = false;
      if (secret) {
        try {
          new Webhook(secret).verify(body, request.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
      }
      const entry: ReceivedWebhook = { headers: request.headers, body, at: Date.now(), verified };
      received.push(entry);
      response.on("finish", () => {
        entry.status = response.statusCode;
      });
      void respond(entry, received.length - 1, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    port,
    received,
    respondWith(next) {
      respond = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function deliveriesOf(db: Db, eventId: string) {
  return db.selectFrom("deliveries").selectAll().where("event_id", "=", eventId).orderBy("id").execute();
}

export async function attemptsOf(db: Db, deliveryId: string) {
  return db
    .selectFrom("delivery_attempts")
    .selectAll()
    .where("delivery_id", "=", deliveryId)
    .orderBy("attempt")
    .execute();
}
