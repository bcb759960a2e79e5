import {
  type Chain,
  type Config,
  connectDatabase,
  createLogger,
  type Db,
  isChainEnabled,
  type Logger,
  type ReconcileContext,
} from "@paygate/shared";
import { createChainSource, type SourceOptions } from "./chains/create-source.ts";
import { type ChainMetrics, chainMetrics, type WatcherMetrics } from "./metrics/watcher-metrics.ts";
import type { BackoffPolicy } from "./scanner/backoff.ts";
import { type ChainScannerOptions, runChainScanner } from "./scanner/chain-scanner.ts";

export interface WatcherOptions {
  logger?: Logger;
  /** A shared pool is left open by `stop()`; the watcher closes only what it opened. */
  db?: Db;
  /** Chain ids to watch; default every enabled chain the watcher has a backend for. */
  chains?: string[];
  /** First block on a chain without a checkpoint (default: the node's head at first start). */
  startBlock?: bigint;
  /** Expiry sweep period (default 1 s). */
  sweepIntervalMs?: number;
  /** How often a standby retries the scanner lock (default 2 s). */
  standbyRetryMs?: number;
  /** Blocks per batched request while catching up (default 100, capped by `max_block_range`). */
  blocksPerBatch?: number;
  /** Block hashes kept beyond the deepest confirmation threshold, for reorg walk-back (default 64). */
  reorgMargin?: number;
  /** Backoff after a failed poll (default 500 ms doubling to 30 s). */
  backoff?: BackoffPolicy;
  /** Per-chain RPC options (tests: a counting or failing transport). */
  source?: (chain: Chain) => SourceOptions;
}

export interface Watcher {
  metrics: WatcherMetrics;
  /** Settles when every chain loop has ended; rejects when one stopped on an unrecoverable error (deep reorg). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export const watcherDefaults = {
  sweepIntervalMs: 1000,
  standbyRetryMs: 2000,
  blocksPerBatch: 100,
  reorgMargin: 64,
  backoff: { baseMs: 500, maxMs: 30_000 },
} as const;

/** The chains this process scans: those named, or every enabled one with a backend. */
export function watchedChains(config: Config, ids?: readonly string[]): Chain[] {
  if (ids) {
    return ids.map((id) => {
      const chain = config.chains.find((candidate) => candidate.id === id);
      if (!chain) throw new Error(`unknown chain '${id}'`);
      if (!isChainEnabled(chain)) throw new Error(`chain '${id}' has no RPC endpoint configured`);
      return chain;
    });
  }
  return config.chains.filter(isChainEnabled);
}

export function reconcileContext(config: Config): ReconcileContext {
  return { chains: new Map(config.chains.map((chain) => [chain.id, chain])), publicUrl: config.publicUrl };
}

export function scannerOptions(
  config: Config,
  chain: Chain,
  services: { db: Db; logger: Logger; metrics: ChainMetrics },
  options: WatcherOptions,
): ChainScannerOptions {
  const metrics = services.metrics;
  const sourceOptions = options.source?.(chain) ?? {};
  return {
    db: services.db,
    databaseUrl: config.databaseUrl,
    reconcile: reconcileContext(config),
    source: createChainSource(chain, {
      ...sourceOptions,
      onRequest: (method) => {
        metrics.rpcCalls[method] = (metrics.rpcCalls[method] ?? 0) + 1;
        sourceOptions.onRequest?.(method);
      },
    }),
    logger: services.logger,
    metrics,
    startBlock: options.startBlock,
    blocksPerBatch: options.blocksPerBatch ?? watcherDefaults.blocksPerBatch,
    reorgMargin: options.reorgMargin ?? watcherDefaults.reorgMargin,
    sweepIntervalMs: options.sweepIntervalMs ?? watcherDefaults.sweepIntervalMs,
    standbyRetryMs: options.standbyRetryMs ?? watcherDefaults.standbyRetryMs,
    backoff: options.backoff ?? watcherDefaults.backoff,
  };
}

/**
 * Runs one scanner per chain (each waits as a hot standby while another process holds that chain's lock)
 * until `stop()`.
 */
export async function startWatcher(config: Config, options: WatcherOptions = {}): Promise<Watcher> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: "watcher" });
  const db =
    options.db ?? connectDatabase(config.databaseUrl, { max: 10, applicationName: "paygate-watcher" });
  const chains = watchedChains(config, options.chains);
  const metrics: WatcherMetrics = {
    chains: new Map(chains.map((chain) => [chain.id, chainMetrics(chain.id)])),
  };
  const abort = new AbortController();

  const loops = chains.map((chain) =>
    runChainScanner(
      scannerOptions(config, chain, { db, logger, metrics: metrics.chains.get(chain.id)! }, options),
      abort.signal,
    ),
  );
  logger.info({ chains: chains.map((chain) => chain.id) }, "watcher started");
  const done = Promise.all(loops).then(() => undefined);
  done.catch(() => {}); // observed by whoever awaits `done`; `stop()` must not throw because a chain gave up

  return {
    metrics,
    done,
    async stop() {
      abort.abort();
      await Promise.allSettled(loops);
      if (!options.db) await db.destroy();
      logger.info("watcher stopped");
    },
  };
}
