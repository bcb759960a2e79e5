import {
  type Config,
  connectDatabase,
  createLogger,
  type Db,
  DELIVERIES_NOTICE,
  type Logger,
  purgeExpiredWebhookSecrets,
  type ResolveHost,
} from "@paygate/shared";
import { DelayedError, type Job, Worker } from "bullmq";
import { Redis } from "ioredis";
import packageJson from "../package.json" with { type: "json" };
import { deliverWebhook } from "./deliveries/deliver-webhook.ts";
import { batchedDeliveryRecords } from "./deliveries/delivery-record.ts";
import { createDeliverySlots } from "./deliveries/delivery-slots.ts";
import { createWebhookClient } from "./deliveries/webhook-client.ts";
import { type DeliveryMetrics, instrumentWebhookClient } from "./metrics/delivery-metrics.ts";
import { listenForEvents } from "./outbox/event-listener.ts";
import { dueDeliveries, fanOutEvents } from "./outbox/fan-out.ts";
import {
  createDeliveryQueue,
  DELIVERY_QUEUE,
  type DeliveryJob,
  deliveryWorkerOptions,
  enqueueDeliveries,
} from "./queue/delivery-queue.ts";

export interface DispatcherOptions {
  logger?: Logger;
  /** Shared connections are left open by `stop()`; the dispatcher closes only what it opened. */
  db?: Db;
  redis?: Redis;
  /** Re-adds due deliveries missing from Redis (default 5 s). */
  sweepIntervalMs?: number;
  /** Relays unrelayed events even without a NOTIFY (default 1 s; NOTIFY makes it immediate). */
  pollIntervalMs?: number;
  /** Overrides of the contract's delivery numbers in `config.webhooks` (tests shorten them). */
  webhooks?: Partial<Config["webhooks"]>;
  /** Requests in flight per process (default 50). */
  concurrency?: number;
  /**
   * Requests in flight per merchant across all processes (default 20): a merchant whose endpoints hang holds
   * at most this many worker slots, whatever its endpoint count (16 endpoints x 5 would be 80).
   */
  merchantConcurrency?: number;
  /** BullMQ job lock; a killed process's job runs again once it lapses (default 30 s). */
  lockDurationMs?: number;
  /** DNS for the connect-time address check; the system resolver by default. */
  resolveHost?: ResolveHost;
  /** Deletes webhook secrets past their overlap (default hourly; also once at start). */
  secretPurgeIntervalMs?: number;
  /** Counts attempts and latencies (`createDeliveryMetrics`); none when absent. */
  metrics?: DeliveryMetrics;
}

export interface Dispatcher {
  stop(): Promise<void>;
}

const SWEEP_BATCH = 1000;
const RELAY_BATCH = 200;

/**
 * Runs the webhook dispatcher: the outbox relay (LISTEN + poll), the sweep and the BullMQ delivery worker.
 * `stop()` stops taking jobs, lets in-flight attempts finish, and closes what it opened.
 */
export async function startDispatcher(config: Config, options: DispatcherOptions = {}): Promise<Dispatcher> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: "dispatcher" });
  const db =
    options.db ?? connectDatabase(config.databaseUrl, { max: 10, applicationName: "paygate-dispatcher" });
  const redis = options.redis ?? new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const webhooks = { ...config.webhooks, ...options.webhooks };
  const webhookClient = createWebhookClient({
    env: config.env,
    allowedCidrs: webhooks.allowedCidrs,
    allowedPorts: webhooks.allowedPorts,
    connectTimeoutMs: webhooks.connectTimeoutMs,
    totalTimeoutMs: webhooks.requestTimeoutMs,
    responseBodyLimitBytes: webhooks.responseBodyLimitBytes,
    resolveHost: options.resolveHost,
  });
  const client = options.metrics ? instrumentWebhookClient(webhookClient, options.metrics) : webhookClient;
  // BullMQ keeps its own connection as it is (auto-pipelining is not known to be safe with it); the slots' own
  // scripts are independent commands, so theirs batches each event-loop turn into one write.
  const slotRedis = redis.duplicate({ enableAutoPipelining: true });
  const slots = createDeliverySlots(slotRedis, {
    prefix: config.queuePrefix,
    endpointLimit: webhooks.endpointConcurrency,
    merchantLimit: options.merchantConcurrency ?? 20,
    leaseMs: webhooks.requestTimeoutMs + 5_000,
  });
  const queue = createDeliveryQueue(redis, config.queuePrefix);

  const deliverDependencies = {
    db,
    records: batchedDeliveryRecords(db),
    client,
    slots,
    retryPolicy: {
      scheduleSeconds: webhooks.retryScheduleSeconds,
      throttledFloorMs: webhooks.throttledRetryFloorMs,
      jitter: webhooks.retryJitter,
    },
    disableAfterFailingMs: webhooks.disableAfterFailingMs,
    slotWaitMs: 200,
    maxMerchantWaitMs: webhooks.requestTimeoutMs,
    userAgent: `paygate/${packageJson.version}`,
    logger,
  };
  const worker = new Worker<DeliveryJob>(
    DELIVERY_QUEUE,
    async (job: Job<DeliveryJob>, token?: string) => {
      const next = await deliverWebhook(deliverDependencies, job.data.deliveryId, job.attemptsStarted - 1);
      if (next.kind === "later") {
        // Retries are scheduled by PostgreSQL's next_attempt_at; the job just sleeps until then.
        await job.moveToDelayed(Math.ceil(next.at), token);
        throw new DelayedError();
      }
    },
    deliveryWorkerOptions(redis, config.queuePrefix, {
      concurrency: options.concurrency ?? 50,
      lockDurationMs: options.lockDurationMs ?? 30_000,
    }),
  );
  worker.on("failed", (job, error) =>
    logger.error({ err: error, delivery: job?.data.deliveryId }, "delivery job failed"),
  );
  worker.on("error", (error) => logger.error({ err: error }, "delivery worker error"));

  const relay = singleFlight(
    async () => {
      for (;;) {
        const { events, deliveries } = await fanOutEvents(db, RELAY_BATCH);
        await enqueueDeliveries(queue, deliveries);
        if (events > 0) logger.debug({ events, deliveries: deliveries.length }, "relayed events");
        if (events < RELAY_BATCH) return;
      }
    },
    logger,
    "relay",
  );
  const sweep = singleFlight(
    async () => {
      await enqueueDeliveries(queue, await dueDeliveries(db, new Date(), SWEEP_BATCH));
    },
    logger,
    "sweep",
  );

  const listener = listenForEvents(
    config.databaseUrl,
    (payload) => {
      if (payload === DELIVERIES_NOTICE) sweep.run();
      else relay.run();
    },
    logger,
  );
  const purgeSecrets = singleFlight(
    async () => {
      const deleted = await purgeExpiredWebhookSecrets(db);
      if (deleted > 0) logger.info({ deleted }, "expired webhook secrets deleted");
    },
    logger,
    "secret purge",
  );
  const timers = [
    setInterval(relay.run, options.pollIntervalMs ?? 1_000),
    setInterval(sweep.run, options.sweepIntervalMs ?? 5_000),
    setInterval(purgeSecrets.run, options.secretPurgeIntervalMs ?? 60 * 60 * 1000),
  ];
  relay.run();
  sweep.run();
  purgeSecrets.run();
  logger.info({ queue: DELIVERY_QUEUE, prefix: config.queuePrefix }, "dispatcher started");

  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await listener.close();
      await Promise.all([relay.idle(), sweep.idle(), purgeSecrets.idle()]);
      await worker.close();
      await queue.close();
      await client.close();
      await slotRedis.quit();
      if (!options.redis) await redis.quit();
      if (!options.db) await db.destroy();
      logger.info("dispatcher stopped");
    },
  };
}

/** Runs `task` one at a time; a request while it runs schedules exactly one more run. */
function singleFlight(task: () => Promise<void>, logger: Logger, name: string) {
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = task()
      .catch((error: unknown) => logger.error({ err: error }, `${name} failed`))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  return {
    run,
    idle: async () => {
      while (running) await running;
    },
  };
}
