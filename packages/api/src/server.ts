import type { AddressInfo } from "node:net";
import {
  type Config,
  connectDatabase,
  createLogger,
  databaseCheck,
  intentMetrics,
  type Logger,
  type OpsServer,
  purgeExpiredIdempotencyKeys,
  startOpsServer,
  withProcessMetrics,
} from "@paygate/shared";
import { createApp } from "./app.ts";
import { chainsById, type IpLimits, type RateLimitOptions } from "./deps.ts";
import { createRateProvider, type RateProvider } from "./rates/index.ts";

export interface StartApiOptions {
  logger?: Logger;
  rates?: RateProvider;
  rateLimit?: RateLimitOptions;
  ipLimits?: IpLimits;
}

export interface RunningApi {
  url: string;
  port: number;
  /** `/healthz`, `/readyz` and `/metrics` on `API_OPS_PORT`, bound to `OPS_HOST`. */
  ops: OpsServer;
  close(): Promise<void>;
}

const PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** In-flight requests get this long to finish on shutdown before their connections are cut. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Listens on `config.port` (0: a free port, for tests) and its ops port until `close()`. The API uses
 * PostgreSQL only, so it is ready when PostgreSQL answers.
 */
export async function startApi(config: Config, options: StartApiOptions = {}): Promise<RunningApi> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: "api" });
  const db = connectDatabase(config.databaseUrl, { applicationName: "paygate-api" });
  const app = createApp({
    db,
    config,
    logger,
    rates: options.rates ?? createRateProvider(config),
    chains: chainsById(config),
    rateLimit: options.rateLimit,
    ipLimits: options.ipLimits,
  });
  const server = app.listen(config.port);
  let ops: OpsServer;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
    ops = await startOpsServer({
      port: config.opsPorts.api,
      host: config.opsHost,
      registry: withProcessMetrics(intentMetrics(db)),
      checks: { database: databaseCheck(db) },
      logger,
      service: "api",
    });
  } catch (error) {
    server.close();
    await db.destroy();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, "api listening");

  // keys older than 24 h are ignored already; this only keeps the table small
  const purge = setInterval(() => {
    purgeExpiredIdempotencyKeys(db).catch((error: unknown) =>
      logger.warn({ err: error }, "idempotency purge failed"),
    );
  }, PURGE_INTERVAL_MS);
  purge.unref();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ops,
    async close() {
      clearInterval(purge);
      await ops.close();
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
      await drained;
      clearTimeout(cut);
      await db.destroy();
      logger.info("api stopped");
    },
  };
}
