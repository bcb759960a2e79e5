import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningApi, startApi } from "@paygate/api";
import { type Dispatcher, type DispatcherOptions, startDispatcher } from "@paygate/dispatcher";
import { type Config, createLogger, type Db, type IntentObject, loadConfig } from "@paygate/shared";
import { startWatcher, type Watcher, type WatcherOptions } from "@paygate/watcher";
import { Redis } from "ioredis";
import { type ApiRequest, apiClient, createTestMerchant, type TestMerchant } from "../api/index.ts";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { type Receiver, startReceiver } from "../receiver.ts";
import { deletePrefixKeys, REDIS_URL, testRedisPrefix } from "../redis-prefix.ts";
import { until } from "../until.ts";

/**
 * The gateway around one test chain, whatever the chain is (`stack.ts`: Anvil; `bitcoin-stack.ts`: the Bitcoin
 * simulator): a database and a Redis prefix of its own, the API, the dispatcher and the watcher in-process, a
 * merchant with an API key, and a webhook receiver that accepts only requests whose signature the
 * `standardwebhooks` library verifies.
 *
 * Event order: delivery is at least once and unordered (contract section 4), so `eventsFor` lists the accepted
 * events once each (by `webhook-id`) in `sequence` order, as a receiver is told to read them.
 */
export interface GatewayOptions {
  /** The chain the watcher scans and `scannedTo` follows. */
  chain: string;
  /** Chain file entries (snake_case, as operators write them). */
  chainFile: Record<string, Record<string, unknown>>;
  env?: Record<string, string>;
  merchant?: { toleranceBps?: number; monitoringWindowS?: number; evmXpub?: string | null };
  /** `false`: start without a watcher (`startWatcher()` later). */
  watcher?: Partial<WatcherOptions> | false;
  /** Dispatcher options over the stack's; `false`: no in-process dispatcher (the test runs its own). */
  dispatcher?: Partial<DispatcherOptions> | false;
  /** The chain's current head: tests begin once the watcher has read it. */
  head(): Promise<bigint>;
  /** Stops the chain (after the services, before the database goes). */
  stopChain(): Promise<void>;
}

export interface Gateway {
  database: TestDatabase;
  db: Db;
  config: Config;
  api: RunningApi;
  request: ApiRequest;
  merchant: TestMerchant;
  /** Accepts (200) only requests whose signature verifies with the stack endpoint's secret; 400 otherwise. */
  receiver: Receiver;
  /** The stack endpoint the receiver listens behind. */
  endpoint: { id: string; url: string; secret: string };
  /** Redis key prefix of this stack's queues. */
  prefix: string;
  readonly dispatcher: Dispatcher | undefined;
  readonly watcher: Watcher | undefined;
  /** GET /v1/payment-intents/:id. */
  intent(id: string): Promise<IntentObject>;
  /** Event types the receiver accepted for the intent: once each, in `sequence` order. */
  eventsFor(intentId: string): string[];
  /** Event types recorded in the outbox for the intent, in `sequence` order. */
  recordedEvents(intentId: string): Promise<string[]>;
  /** Waits until `count` events of the intent were accepted, and returns their types. */
  waitForEvents(intentId: string, count: number, timeoutMs?: number): Promise<string[]>;
  waitForStatus(intentId: string, status: IntentObject["status"], timeoutMs?: number): Promise<IntentObject>;
  /** Waits until the watcher has committed the effects of block `number`. */
  scannedTo(number: bigint): Promise<void>;
  /** Test clock shortcut: moves the intent's expiry (and monitoring window end) relative to now; returns it. */
  setExpiry(intentId: string, expiresInMs: number, monitoringWindowMs?: number): Promise<Date>;
  startWatcher(options?: Partial<WatcherOptions>): Promise<Watcher>;
  stopWatcher(): Promise<void>;
  stop(): Promise<void>;
}

/** Fast enough for tests, slow enough that a poll does not hog a CI core. */
export const STACK_WATCHER_OPTIONS: Partial<WatcherOptions> = {
  sweepIntervalMs: 100,
  standbyRetryMs: 100,
  backoff: { baseMs: 100, maxMs: 400 },
};

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const database = await createTestDatabase();
  const prefix = testRedisPrefix();
  const dir = await mkdtemp(join(tmpdir(), "paygate-stack-"));
  const chainFile = join(dir, "chains.json");
  await writeFile(chainFile, JSON.stringify({ chains: options.chainFile }));
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    PAYGATE_QUEUE_PREFIX: prefix,
    // development: the receiver is plain http on loopback, which production rules refuse
    PAYGATE_ENV: "development",
    PORT: "0",
    API_OPS_PORT: "0",
    PUBLIC_URL: "https://gateway.test",
    LOG_LEVEL: "silent",
    RATES_PROVIDER: "fixed",
    PAYGATE_CHAINS: chainFile,
    WEBHOOK_RETRY_SCHEDULE: "0.2,0.5,1",
    ...options.env,
  });
  const logger = createLogger({ level: process.env.STACK_LOG_LEVEL ?? "silent" });
  const db = database.db;

  const api = await startApi(config, { logger, rateLimit: { limit: 1_000_000, windowMs: 1000 } });
  const dispatcher: Dispatcher | undefined =
    options.dispatcher === false
      ? undefined
      : await startDispatcher(config, {
          logger,
          db,
          sweepIntervalMs: 200,
          pollIntervalMs: 200,
          ...options.dispatcher,
        });
  const merchant = await createTestMerchant(db, options.merchant);
  const request = apiClient(api.url, merchant.apiKey);

  const receiver = await startReceiver({
    respond: (received) => (received.verified ? { status: 200 } : { status: 400, body: "bad signature" }),
  });
  const registered = await request("POST", "/v1/webhook-endpoints", {
    body: { url: `${receiver.url}/hooks` },
  });
  if (registered.status !== 201) throw new Error(`endpoint registration failed: ${registered.text}`);
  const endpoint = { id: registered.body.id, url: registered.body.url, secret: registered.body.secret };
  receiver.setSecret(endpoint.secret);

  let watcher: Watcher | undefined;
  const gateway: Gateway = {
    database,
    db,
    config,
    api,
    request,
    merchant,
    receiver,
    endpoint,
    prefix,
    dispatcher,
    get watcher() {
      return watcher;
    },

    async intent(id) {
      const answer = await request("GET", `/v1/payment-intents/${id}`);
      if (answer.status !== 200) throw new Error(`GET intent ${id}: ${answer.status} ${answer.text}`);
      return answer.body;
    },

    eventsFor(intentId) {
      const accepted = new Map<string, { type: string; sequence: number }>();
      for (const received of receiver.requests) {
        if (received.status !== 200) continue;
        const event = JSON.parse(received.body);
        if (event.data?.payment_intent?.id !== intentId) continue;
        accepted.set(event.id, { type: event.type, sequence: event.data.sequence });
      }
      return [...accepted.values()].sort((a, b) => a.sequence - b.sequence).map((event) => event.type);
    },

    async recordedEvents(intentId) {
      const rows = await db
        .selectFrom("events")
        .select("type")
        .where("intent_id", "=", intentId)
        .orderBy("sequence")
        .execute();
      return rows.map((row) => row.type);
    },

    waitForEvents(intentId, count, timeoutMs = 15_000) {
      return until(
        () => {
          const types = gateway.eventsFor(intentId);
          return types.length >= count ? types : undefined;
        },
        { timeoutMs, message: `${count} events of ${intentId} at the receiver` },
      );
    },

    waitForStatus(intentId, status, timeoutMs = 15_000) {
      return until(
        async () => {
          const intent = await gateway.intent(intentId);
          return intent.status === status ? intent : undefined;
        },
        { timeoutMs, message: `${intentId} to be ${status}` },
      );
    },

    async scannedTo(number) {
      await until(
        async () => {
          const cursor = await db
            .selectFrom("chain_cursors")
            .select("scanned_number")
            .where("chain", "=", options.chain)
            .executeTakeFirst();
          return cursor !== undefined && cursor.scanned_number >= number;
        },
        { timeoutMs: 15_000, message: `the watcher to scan block ${number} of ${options.chain}` },
      );
    },

    async setExpiry(intentId, expiresInMs, monitoringWindowMs = 86_400_000) {
      const expiresAt = new Date(Date.now() + expiresInMs);
      await db
        .updateTable("payment_intents")
        .set({
          expires_at: expiresAt,
          monitoring_ends_at: new Date(expiresAt.getTime() + monitoringWindowMs),
        })
        .where("id", "=", intentId)
        .execute();
      return expiresAt;
    },

    async startWatcher(watcherOptions = {}) {
      if (watcher) throw new Error("the watcher is already running");
      watcher = await startWatcher(config, {
        logger,
        db,
        chains: [options.chain],
        ...STACK_WATCHER_OPTIONS,
        ...(options.watcher || {}),
        ...watcherOptions,
      });
      return watcher;
    },

    async stopWatcher() {
      await watcher?.stop();
      watcher = undefined;
    },

    async stop() {
      await gateway.stopWatcher();
      await dispatcher?.stop();
      await api.close();
      await receiver.close();
      await options.stopChain();
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      await deletePrefixKeys(redis, prefix);
      await redis.quit();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };

  // the watcher starts at the current head, after the setup blocks; tests begin once it has read it
  if (options.watcher !== false) {
    await gateway.startWatcher();
    await gateway.scannedTo(await options.head());
  }
  return gateway;
}
