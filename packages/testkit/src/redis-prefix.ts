import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A queue prefix of its own, so parallel test files share one Redis server without seeing each other. */
export function testRedisPrefix(): string {
  return `paygate-test-${randomBytes(5).toString("hex")}`;
}

/** Everything under `prefix` in Redis, and nothing else on the shared server. */
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
