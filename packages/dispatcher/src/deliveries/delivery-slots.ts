import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Requests in flight, capped per endpoint (contract: 5) and per merchant, across every dispatcher process, so
 * one merchant's slow or dead endpoints can hold only part of the worker pool (contract section 8: fair
 * delivery). A slot is a member of a sorted set scored by its lease expiry (Redis time), so a process killed
 * mid-request frees its slots when the lease runs out. Both slots are taken together or not at all.
 */
const acquireScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = tonumber(ARGV[4])
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if not redis.call('ZSCORE', KEYS[i], ARGV[1]) and redis.call('ZCARD', KEYS[i]) >= tonumber(ARGV[i + 1]) then
    return i
  end
end
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], lease)
end
return 0
`;

/** Frees both slots in one command (a script, like the acquire, so both go in one write). */
const releaseScript = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 0
`;

/** `granted`, or which cap is full: the endpoint's (wait briefly) or the merchant's (back off longer). */
export type SlotAnswer = "granted" | "endpoint_full" | "merchant_full";
const answers: Record<number, SlotAnswer> = { 0: "granted", 1: "endpoint_full", 2: "merchant_full" };

export interface SlotOwner {
  endpointId: string;
  merchantId: string;
}

export interface DeliverySlots {
  acquire(owner: SlotOwner, holder: string): Promise<SlotAnswer>;
  release(owner: SlotOwner, holder: string): Promise<void>;
}

/**
 * EVALSHA spares Redis hashing (and the socket carrying) the script on every attempt; a Redis that has not seen
 * it yet (new, restarted, SCRIPT FLUSH) answers NOSCRIPT, and EVAL runs and caches it.
 */
function scriptRunner(redis: Redis, script: string) {
  const sha = createHash("sha1").update(script).digest("hex");
  return async (...keysAndArgs: (string | number)[]): Promise<unknown> => {
    try {
      return await redis.evalsha(sha, 2, ...keysAndArgs);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) throw error;
      return redis.eval(script, 2, ...keysAndArgs);
    }
  };
}

/**
 * `redis` should be a connection of the slots' own with ioredis auto-pipelining: the acquires and releases of
 * the worker's concurrent jobs made in one event-loop turn then leave in one socket write.
 */
export function createDeliverySlots(
  redis: Redis,
  options: { prefix: string; endpointLimit: number; merchantLimit: number; leaseMs: number },
): DeliverySlots {
  const keys = ({ endpointId, merchantId }: SlotOwner) =>
    [
      `${options.prefix}:endpoint-slots:${endpointId}`,
      `${options.prefix}:merchant-slots:${merchantId}`,
    ] as const;
  const acquire = scriptRunner(redis, acquireScript);
  const release = scriptRunner(redis, releaseScript);
  return {
    async acquire(owner, holder) {
      const answer = await acquire(
        ...keys(owner),
        holder,
        options.endpointLimit,
        options.merchantLimit,
        options.leaseMs,
      );
      return answers[Number(answer)] ?? "endpoint_full";
    },
    async release(owner, holder) {
      await release(...keys(owner), holder);
    },
  };
}
