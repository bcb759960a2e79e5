import type { SkipReason } from "../chains/source.ts";

/**
 * Plain counters per chain, read by whoever exports metrics (prom-client collectors read these objects on
 * scrape), so the scanner does not depend on a metrics library.
 */
export interface ChainMetrics {
  chain: string;
  /** True while this process holds the chain's scanner lock (false: hot standby). */
  active: boolean;
  /** Set when the loop stopped for good (a reorg deeper than the kept window). */
  stopped: boolean;
  headNumber: bigint | null;
  scannedNumber: bigint | null;
  blocksScanned: number;
  rpcCalls: Record<string, number>;
  /** Polls that failed (RPC or database) and were retried after a backoff. */
  pollFailures: number;
  reorgs: number;
  /** Observations skipped because they cannot be recorded (a 0-sat output, a malformed log), by reason. */
  skippedObservations: Partial<Record<SkipReason, number>>;
  /** Wall time of the last scanned range. */
  lastScanMs: number;
}

export interface WatcherMetrics {
  chains: Map<string, ChainMetrics>;
}

export function chainMetrics(chain: string): ChainMetrics {
  return {
    chain,
    active: false,
    stopped: false,
    headNumber: null,
    scannedNumber: null,
    blocksScanned: 0,
    rpcCalls: {},
    pollFailures: 0,
    reorgs: 0,
    skippedObservations: {},
    lastScanMs: 0,
  };
}

/** Blocks between the node's head and the last block whose effects are committed. */
export function headLag(metrics: ChainMetrics): number | null {
  if (metrics.headNumber === null || metrics.scannedNumber === null) return null;
  const lag = metrics.headNumber - metrics.scannedNumber;
  return Number(lag > 0n ? lag : 0n);
}
