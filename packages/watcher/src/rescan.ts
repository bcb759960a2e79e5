import { type Config, connectDatabase, createLogger, type Db, type Logger } from "@paygate/shared";
import { chainMetrics } from "./metrics/watcher-metrics.ts";
import { scanWhileLocked } from "./scanner/chain-scanner.ts";
import { resetCursor } from "./scanner/checkpoint.ts";
import { scannerLock } from "./scanner/scanner-lock.ts";
import { scannerOptions, type WatcherOptions, watchedChains } from "./watcher.ts";

export interface RescanResult {
  /** `this-process`: scanned here up to the head; `running-watcher`: the watcher holding the lock will. */
  scannedBy: "this-process" | "running-watcher";
  scannedTo?: bigint;
}

/**
 * `paygate rescan`: moves the chain's checkpoint back to `fromBlock - 1`. A running watcher notices on its next
 * poll (its compare-and-set fails) and scans again from there; with none running, this process scans up to the
 * head itself. Replays are idempotent: payments already recorded change nothing, none is counted twice, and
 * a recorded payment whose block is no longer on the chain is reported vanished.
 */
export async function rescanChain(
  config: Config,
  request: { chain: string; fromBlock: bigint },
  options: WatcherOptions = {},
): Promise<RescanResult> {
  const [chain] = watchedChains(config, [request.chain]);
  if (request.fromBlock < 0n) throw new Error("--from-block must be 0 or more");
  const logger: Logger = options.logger ?? createLogger({ level: config.logLevel, name: "rescan" });
  const db: Db =
    options.db ?? connectDatabase(config.databaseUrl, { max: 4, applicationName: "paygate-rescan" });
  const lock = scannerLock(config.databaseUrl, chain!.id, options.standbyRetryMs ?? 1000);
  try {
    await resetCursor(db, chain!.id, request.fromBlock);
    if (!(await lock.tryAcquire())) return { scannedBy: "running-watcher" };
    const metrics = chainMetrics(chain!.id);
    await scanWhileLocked(
      scannerOptions(config, chain!, { db, logger, metrics }, options),
      lock,
      new AbortController().signal,
      { untilSynced: true },
    );
    return { scannedBy: "this-process", scannedTo: metrics.scannedNumber ?? undefined };
  } finally {
    await lock.release();
    if (!options.db) await db.destroy();
  }
}
