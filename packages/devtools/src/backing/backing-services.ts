import { createPool, redactUrl } from "@paygate/shared";
import { Redis } from "ioredis";

/** PostgreSQL or Redis does not answer: the message says what to run. */
export class BackingServiceError extends Error {
  override name = "BackingServiceError";
}

const CONNECT_TIMEOUT_MS = 5_000;

const startHint = (service: "postgres" | "redis") =>
  [
    "Start it with one of:",
    "  docker compose --profile dev up -d postgres-dev-port redis-dev-port",
    "                                                  (from the checkout, passwords in .env: docs/operations.md)",
    service === "postgres"
      ? "  sudo service postgresql start                   (Debian/Ubuntu: apt-get install postgresql)"
      : "  sudo service redis-server start                 (Debian/Ubuntu: apt-get install redis-server)",
    `or point ${service === "postgres" ? "DATABASE_URL" : "REDIS_URL"} at a running server.`,
  ].join("\n");

/** Connects to DATABASE_URL; a database that does not exist yet is created (on the same server). */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean }> {
  const failure = await probeDatabase(databaseUrl);
  if (failure === undefined) return { created: false };
  if ((failure as { code?: string }).code !== "3D000") throw unreachable(databaseUrl, failure);
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = "/postgres";
  const pool = createPool(url.toString(), { max: 1, applicationName: "paygate-dev" });
  try {
    await pool.query(`create database "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    // a concurrent `paygate dev` created it first
    if ((error as { code?: string }).code !== "42P04") throw unreachable(databaseUrl, error);
  } finally {
    await pool.end();
  }
  return { created: true };
}

async function probeDatabase(databaseUrl: string): Promise<unknown> {
  const pool = createPool(databaseUrl, { max: 1, applicationName: "paygate-dev" });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pool.query("select 1"),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)),
          CONNECT_TIMEOUT_MS,
        );
      }),
    ]);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    clearTimeout(timer);
    pool.end().catch(() => {});
  }
}

function unreachable(databaseUrl: string, error: unknown): BackingServiceError {
  const reason = error instanceof Error ? error.message || (error as { code?: string }).code : String(error);
  return new BackingServiceError(
    `PostgreSQL is not reachable at ${redactUrl(databaseUrl)} (${reason}).\n${startHint("postgres")}`,
  );
}

export async function ensureRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // the socket's error says why ("connect ECONNREFUSED ..."); connect() only says the connection closed
  let cause: Error | undefined;
  redis.on("error", (error: Error) => {
    cause ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const reason = (cause ?? (error as Error)).message;
    throw new BackingServiceError(
      `Redis is not reachable at ${redactUrl(redisUrl)} (${reason}).\n${startHint("redis")}`,
    );
  } finally {
    redis.disconnect();
  }
}
