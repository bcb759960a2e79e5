import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * At most `limit` requests in flight per endpoint (contract: 5), across every dispatcher process, so one slow
 * merchant cannot hold all workers. A slot is a member of a sorted set scored by its lease expiry (Redis time),
 * so a process killed mid-request frees its slots when the lease runs out.
 */
const acquireScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZSCORE', KEYS[1], ARGV[1])
if held or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
  return 1
end
return 0
`;
const acquireSha = createHash("sha1").update(acquireScript).digest("hex");

export interface EndpointSlots {
  acquire(endpointId: string, holder: string): Promise<boolean>;
  release(endpointId: string, holder: string): Promise<void>;
}

export function createEndpointSlots(
  redis: Redis,
  options: { prefix: string; limit: number; leaseMs: number },
): EndpointSlots {
  const key = (endpointId: string) => `${options.prefix}:endpoint-slots:${endpointId}`;
  return {
    async acquire(endpointId, holder) {
      const args = [key(endpointId), holder, options.limit, options.leaseMs] as const;
      let granted: unknown;
      // EVALSHA spares Redis hashing (and the socket carrying) the script on every attempt; a Redis that has not
      // seen it yet (new, restarted, SCRIPT FLUSH) answers NOSCRIPT, and EVAL runs and caches it.
      try {
        granted = await redis.evalsha(acquireSha, 1, ...args);
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) throw error;
        granted = await redis.eval(acquireScript, 1, ...args);
      }
      return granted === 1;
    },
    async release(endpointId, holder) {
      await redis.zrem(key(endpointId), holder);
    },
  };
}
