import { setTimeout as delay } from "node:timers/promises";
import type { RedisServer } from "../../bench/support/redis-server.ts";
import type { Payer } from "./payer.ts";
import type { Random } from "./random.ts";
import type { ServiceRole, Services } from "./services.ts";

export type FaultKind =
  | "kill-api"
  | "kill-watcher"
  | "kill-dispatcher"
  | "redis-flushall"
  | "redis-restart"
  | "reorg"
  | "rpc-errors";

export interface FaultTargets {
  services: Services;
  redis: () => RedisServer;
  restartRedis: () => Promise<void>;
  payer: Payer;
  /** Holds the soak's block production, so a reorg can reach back to a fresh payment. */
  pauseMining: (paused: boolean) => void;
  /** Sets the RPC proxy's failure rate. */
  setRpcFailRate: (rate: number) => void;
  log: (line: string) => void;
}

export interface FaultInjector {
  injected: Record<FaultKind, number>;
  /** Payments a reorg dropped (and the payer sent again). */
  droppedByReorgs: number;
  /** Stops injecting and waits for the fault in progress to finish. */
  stop(): Promise<void>;
}

const KINDS: readonly FaultKind[] = [
  "kill-api",
  "kill-watcher",
  "kill-dispatcher",
  "redis-flushall",
  "redis-restart",
  "reorg",
  "rpc-errors",
];
/** Between RPC error bursts a few requests still fail, as with any public provider. */
export const BACKGROUND_RPC_FAIL_RATE = 0.03;

/**
 * One fault every `gapMs` (random within the range), chosen at random until `stop()`. Killed processes come
 * back after a short random pause; the deliberate random timing is the point here, so these are plain sleeps.
 */
export function injectFaults(targets: FaultTargets, random: Random, gapMs: [number, number]): FaultInjector {
  const injected = Object.fromEntries(KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  const state = { droppedByReorgs: 0 };
  let stopping = false;

  async function inject(kind: FaultKind): Promise<void> {
    switch (kind) {
      case "kill-api":
      case "kill-watcher":
      case "kill-dispatcher": {
        // any one instance of the role: the active watcher or the standby, either API, either dispatcher
        const role = kind.slice("kill-".length) as ServiceRole;
        const { name } = random.pick(targets.services.instances.filter((instance) => instance.role === role));
        targets.log(`killing ${name}`);
        await targets.services.kill(name);
        await delay(random.int(200, 2000));
        targets.services.start(name);
        return;
      }
      case "redis-flushall":
        await targets.redis().command("FLUSHALL");
        return;
      case "redis-restart":
        await targets.restartRedis();
        return;
      case "reorg": {
        // aimed at the next payment, seen by the watcher or not yet, so reorgs revert payments, not empty blocks
        targets.pauseMining(true);
        try {
          const paidIn = await targets.payer.nextPayment(5000);
          await delay(random.int(100, 1200));
          const reach = paidIn === undefined ? 1 : Number((await targets.payer.head()) - paidIn) + 1;
          const depth = Math.min(3, Math.max(reach, random.int(1, 3)));
          const dropped = await targets.payer.reorg(depth);
          state.droppedByReorgs += dropped;
          targets.log(`reorg depth ${depth}: ${dropped} payments dropped and sent again`);
        } finally {
          targets.pauseMining(false);
        }
        return;
      }
      case "rpc-errors":
        targets.setRpcFailRate(0.5);
        await delay(random.int(1000, 4000));
        targets.setRpcFailRate(BACKGROUND_RPC_FAIL_RATE);
        return;
    }
  }

  const loop = (async () => {
    while (!stopping) {
      await delay(random.int(gapMs[0], gapMs[1]));
      if (stopping) break;
      const kind = random.pick(KINDS);
      injected[kind]++;
      targets.log(`fault: ${kind}`);
      await inject(kind).catch((error: unknown) => targets.log(`fault ${kind} failed: ${String(error)}`));
    }
  })();

  return {
    injected,
    get droppedByReorgs() {
      return state.droppedByReorgs;
    },
    async stop() {
      stopping = true;
      await loop;
    },
  };
}
