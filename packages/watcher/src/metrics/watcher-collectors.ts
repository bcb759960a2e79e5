import { Counter, Gauge, Registry } from "prom-client";
import { type ChainMetrics, headLag, type WatcherMetrics } from "./watcher-metrics.ts";

/**
 * Exposes the scanner's plain counters (`watcher-metrics.ts`) to Prometheus. Each collector reads them on
 * scrape, so the scanner never touches prom-client. Chains without a reading yet (no head seen) are left out.
 */
export function watcherRegistry(metrics: WatcherMetrics): Registry {
  const registry = new Registry();
  const chains = () => [...metrics.chains.values()];
  const registers = [registry];
  new Gauge({
    name: "paygate_watcher_head_lag_blocks",
    help: "Blocks between the node's head and the last block whose effects are committed",
    labelNames: ["chain"],
    registers,
    collect() {
      for (const chain of chains()) {
        const lag = headLag(chain);
        if (lag !== null) this.set({ chain: chain.chain }, lag);
      }
    },
  });
  new Gauge({
    name: "paygate_watcher_head_block",
    help: "The node's newest block number, as last read",
    labelNames: ["chain"],
    registers,
    collect() {
      for (const chain of chains())
        if (chain.headNumber !== null) this.set({ chain: chain.chain }, Number(chain.headNumber));
    },
  });
  new Gauge({
    name: "paygate_watcher_active",
    help: "1 while this process holds the chain's scanner lock, 0 as a hot standby",
    labelNames: ["chain"],
    registers,
    collect() {
      for (const chain of chains()) this.set({ chain: chain.chain }, chain.active ? 1 : 0);
    },
  });
  new Gauge({
    name: "paygate_watcher_stopped",
    help: "1 when the chain's loop stopped for good (a reorg deeper than the kept window)",
    labelNames: ["chain"],
    registers,
    collect() {
      for (const chain of chains()) this.set({ chain: chain.chain }, chain.stopped ? 1 : 0);
    },
  });
  // Counters mirror totals kept elsewhere: reset, then set to the current total.
  const mirror = (name: string, help: string, read: (chain: ChainMetrics) => number) =>
    new Counter({
      name,
      help,
      labelNames: ["chain"],
      registers,
      collect() {
        this.reset();
        for (const chain of chains()) this.inc({ chain: chain.chain }, read(chain));
      },
    });
  mirror("paygate_watcher_blocks_scanned_total", "Blocks scanned", (chain) => chain.blocksScanned);
  mirror("paygate_watcher_poll_failures_total", "Polls that failed and were retried", (c) => c.pollFailures);
  mirror("paygate_watcher_reorgs_total", "Reorgs walked back", (chain) => chain.reorgs);
  new Counter({
    name: "paygate_watcher_rpc_calls_total",
    help: "RPC requests by method",
    labelNames: ["chain", "method"],
    registers,
    collect() {
      this.reset();
      for (const chain of chains())
        for (const [method, count] of Object.entries(chain.rpcCalls))
          this.inc({ chain: chain.chain, method }, count);
    },
  });
  new Counter({
    name: "paygate_watcher_observations_skipped_total",
    help: "Chain observations skipped because they cannot be recorded (zero amount, malformed, out of range)",
    labelNames: ["chain", "reason"],
    registers,
    collect() {
      this.reset();
      for (const chain of chains())
        for (const [reason, count] of Object.entries(chain.skippedObservations))
          this.inc({ chain: chain.chain, reason }, count ?? 0);
    },
  });
  return registry;
}
