import { setTimeout as delay } from "node:timers/promises";
import { type Chain, type Db, type Logger, type ReconcileContext, redactUrl } from "@paygate/shared";
import { BaseError } from "viem";
import { watchedAddresses } from "../addresses/watched-addresses.ts";
import type { ChainSource, MempoolWatch, ScannedBlock } from "../chains/source.ts";
import { sweepExpiredIntents } from "../expiry/expiry-sweep.ts";
import type { ChainMetrics } from "../metrics/watcher-metrics.ts";
import { type BackoffPolicy, backoffDelayMs } from "./backoff.ts";
import {
  advanceCursor,
  readScanned,
  rewindCursor,
  startCursor,
  storedBlocks,
  storedHash,
  storeFinalized,
} from "./checkpoint.ts";
import { findCommonAncestor, isLinked } from "./common-ancestor.ts";
import { mempoolAddresses, recordMempool } from "./record-mempool.ts";
import {
  confirmPendingPayments,
  type EffectsContext,
  recordBlocks,
  vanishOrphanedPayments,
} from "./record-transfers.ts";
import { type ScannerLock, ScannerLockLostError, scannerLock } from "./scanner-lock.ts";

/** A reorg below every block the scanner kept: it cannot know which payments survived, so it stops. */
export class DeepReorgError extends Error {
  override name = "DeepReorgError";
  constructor(
    readonly chain: string,
    readonly keptFrom: bigint | null,
    readonly scanned: bigint,
  ) {
    super(
      `${chain}: reorg deeper than the kept window (blocks ${keptFrom ?? "none"}..${scanned} all replaced); ` +
        "scanning stopped. Check the node, then run `paygate rescan --chain " +
        `${chain} --from-block <a block below the fork>\``,
    );
  }
}

export interface ChainScannerOptions {
  db: Db;
  databaseUrl: string;
  reconcile: ReconcileContext;
  source: ChainSource;
  logger: Logger;
  metrics: ChainMetrics;
  /** First block to scan when the chain has no checkpoint yet (default: the node's head). */
  startBlock?: bigint;
  /** Blocks fetched per batched request while catching up (capped by the chain's `max_block_range`). */
  blocksPerBatch: number;
  /** Blocks kept beyond the deepest confirmation threshold. */
  reorgMargin: number;
  sweepIntervalMs: number;
  standbyRetryMs: number;
  backoff: BackoffPolicy;
}

/**
 * The chain-agnostic loop: wait for the chain's scanner lock, then poll the head every `poll_interval_ms` and
 * scan every new block in order from the checkpoint; walk back on a reorg; sweep expiries. Returns when
 * `signal` aborts; rejects with DeepReorgError when scanning cannot go on safely.
 */
export async function runChainScanner(options: ChainScannerOptions, signal: AbortSignal): Promise<void> {
  const { source, logger } = options;
  const lock = scannerLock(options.databaseUrl, source.chain.id, options.standbyRetryMs);
  while (!signal.aborted) {
    if (!(await lock.acquire(signal))) break;
    options.metrics.active = true;
    logger.info({ chain: source.chain.id }, "scanner lock taken: scanning");
    try {
      await scanWhileLocked(options, lock, signal, { untilSynced: false });
    } catch (error) {
      if (!(error instanceof ScannerLockLostError)) {
        options.metrics.stopped = true;
        throw error;
      }
      logger.warn({ chain: source.chain.id }, "scanner lock lost: back to standby");
    } finally {
      options.metrics.active = false;
      await lock.release();
    }
  }
}

/**
 * Scans while `lock` is held, until `signal` aborts or, with `untilSynced`, until the head seen by one poll has
 * been scanned (`paygate rescan` in a process of its own).
 */
export async function scanWhileLocked(
  options: ChainScannerOptions,
  lock: ScannerLock,
  signal: AbortSignal,
  mode: { untilSynced: boolean },
): Promise<void> {
  const { db, source, logger, metrics } = options;
  const chain = source.chain;
  const effects: EffectsContext = {
    db,
    reconcile: options.reconcile,
    chain: chain.id,
    logger,
    skippedObservations: metrics.skippedObservations,
  };
  const watched = watchedAddresses(db, chain.id, source.addressKey);
  const mempoolWatch: MempoolWatch = {
    has: (key) => watched.has(key),
    refresh: () => watched.refresh(),
    openAddresses: () => mempoolAddresses(effects),
  };
  const keep = deepestThreshold(chain) + options.reorgMargin;
  const batch = BigInt(Math.max(1, Math.min(options.blocksPerBatch, chain.maxBlockRange)));
  let syncedUpTo: Date | undefined;
  let confirmedOnce = false;

  // the expiry sweep runs beside the scan, on its own timer, only while this process holds the lock
  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping || syncedUpTo === undefined) return;
    sweeping = true;
    sweepExpiredIntents(db, options.reconcile, chain.id, syncedUpTo)
      .catch((error: unknown) =>
        logger.warn({ chain: chain.id, err: describe(error, chain) }, "expiry sweep failed"),
      )
      .finally(() => {
        sweeping = false;
      });
  }, options.sweepIntervalMs);

  async function poll(): Promise<boolean> {
    // How far this poll reads the chain, in chain time: a block this poll does not see is mined after it began,
    // and block timestamps are whole seconds (rounded down), so such a block can carry a time up to a second
    // before the poll began. Judged at the poll's start, an intent could expire although a payment to it is on
    // time by its block (the soak's oracle caught this); a second earlier, it cannot.
    const startedAt = new Date(Date.now() - BLOCK_TIMESTAMP_RESOLUTION_MS);
    const head = await source.head();
    metrics.headNumber = head.number;
    let finalizedMoved = false;
    if (chain.finality === "finalized" && source.finalized) {
      finalizedMoved = await storeFinalized(db, chain.id, await source.finalized());
    }
    // after reading the head: every intent committed before a block up to it was mined is in the set
    await watched.refresh();
    let scanned =
      (await readScanned(db, chain.id)) ??
      (await startCursor(db, chain.id, (options.startBlock ?? head.number) - 1n));
    metrics.scannedNumber = scanned;

    if (head.number < scanned || (head.number === scanned && (await differsFromStored(scanned, head.hash)))) {
      // a shorter chain, or the same height with another hash
      await rewind(earlier(head.number, scanned), scanned);
      return false;
    }
    let advanced = false;
    // the next range is fetched while this one is recorded: fetching only reads the chain (against the watched
    // set of this poll, as before), and nothing of it counts until its parent hash is checked and its effects
    // are committed in order, range after range
    let fetching = scanned < head.number ? fetchRange(scanned + 1n, head.number) : undefined;
    while (fetching && !signal.aborted) {
      const began = performance.now();
      const { to, blocks } = await fetching;
      fetching = to < head.number ? fetchRange(to + 1n, head.number) : undefined;
      if (await differsFromStored(scanned, blocks[0]!.parentHash)) {
        await rewind(scanned, scanned);
        return false;
      }
      if (!isLinked(blocks)) {
        // the node reorganised while the range was read: the next poll reads it again
        logger.warn({ chain: chain.id, from: blocks[0]!.number, to }, "range spans two forks: re-reading");
        return false;
      }
      // behind the head, the chain is read up to this range's last block; at the head, up to this poll's start
      const chainTime = to === head.number ? startedAt : blocks.at(-1)!.timestamp;
      const reconciled = await recordBlocks(effects, blocks, chainTime);
      if (!(await advanceCursor(db, chain.id, scanned, blocks, keep))) {
        logger.warn(
          { chain: chain.id, expected: scanned },
          "checkpoint moved by another writer (rescan): re-reading",
        );
        return false;
      }
      scanned = to;
      metrics.scannedNumber = to;
      metrics.blocksScanned += blocks.length;
      metrics.lastScanMs = performance.now() - began;
      // before the poll's last range, only the intents this head can change; after it, every pending one
      await confirmPendingPayments(effects, to, {
        alreadyReconciled: reconciled,
        onlyChangeable: to < head.number,
        chainTime,
      });
      advanced = true;
    }
    if (!advanced && (finalizedMoved || !confirmedOnce)) {
      await confirmPendingPayments(effects, scanned, { chainTime: startedAt });
    }
    confirmedOnce = true;
    if (scanned < head.number) return false;
    if (source.mempool && !(await readMempool(scanned, head.hash))) return false;
    syncedUpTo = startedAt;
    return true;
  }

  /** False when the chain moved while the mempool was read: absences are judged on the next poll. */
  async function readMempool(scanned: bigint, headHash: string): Promise<boolean> {
    const snapshot = await source.mempool!(mempoolWatch);
    const scannedHash = (await storedHash(db, chain.id, scanned)) ?? headHash;
    if (snapshot.tipHash !== scannedHash) return false;
    await recordMempool(effects, snapshot.transfers);
    return true;
  }

  /** The range from `from`, one batch long, never past `head`; a failure surfaces where it is awaited. */
  function fetchRange(from: bigint, head: bigint): Promise<{ to: bigint; blocks: ScannedBlock[] }> {
    const to = earlier(from + batch - 1n, head);
    const fetched = source.blocks(from, to, watched).then((blocks) => ({ to, blocks }));
    // a range abandoned (reorg, rescan, failure, stop) is never awaited: its rejection is not unhandled
    fetched.catch(() => {});
    return fetched;
  }

  async function differsFromStored(number: bigint, hash: string): Promise<boolean> {
    const stored = await storedHash(db, chain.id, number);
    return stored !== undefined && stored !== hash;
  }

  async function rewind(from: bigint, scanned: bigint): Promise<void> {
    const stored = await storedBlocks(db, chain.id);
    const keptFrom = stored[0]?.number ?? null;
    if (keptFrom === null || from < keptFrom) throw new DeepReorgError(chain.id, keptFrom, scanned);
    const ancestor = findCommonAncestor(stored, await source.headers(keptFrom, from));
    if (!ancestor) throw new DeepReorgError(chain.id, keptFrom, scanned);
    const vanished = await vanishOrphanedPayments(effects, ancestor.number);
    if (await rewindCursor(db, chain.id, scanned, ancestor.number)) {
      metrics.reorgs += 1;
      metrics.scannedNumber = ancestor.number;
      logger.warn(
        { chain: chain.id, ancestor: ancestor.number, depth: Number(scanned - ancestor.number), vanished },
        "reorg: rescanning from the common ancestor",
      );
    }
  }

  let failures = 0;
  try {
    while (!signal.aborted) {
      let synced = false;
      try {
        await lock.check();
        synced = await poll();
        failures = 0;
      } catch (error) {
        if (error instanceof DeepReorgError) {
          logger.fatal({ chain: chain.id, err: error.message }, "chain scanner stopped");
          throw error;
        }
        if (error instanceof ScannerLockLostError) throw error;
        failures += 1;
        metrics.pollFailures += 1;
        const waitMs = backoffDelayMs(failures, options.backoff);
        logger.warn(
          { chain: chain.id, failures, retryInMs: waitMs, err: describe(error, chain) },
          "poll failed",
        );
        await delay(waitMs, undefined, { signal }).catch(() => {});
        continue;
      }
      if (mode.untilSynced && synced) return;
      await delay(chain.pollIntervalMs, undefined, { signal }).catch(() => {});
    }
  } finally {
    clearInterval(sweep);
    while (sweeping) await delay(10);
  }
}

/** EVM and Bitcoin block timestamps count whole seconds. */
const BLOCK_TIMESTAMP_RESOLUTION_MS = 1000;

function earlier(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** Reorgs up to the deepest threshold of any asset must be recoverable. */
function deepestThreshold(chain: Chain): number {
  return Math.max(
    chain.requiredConfirmations,
    ...chain.assets.map((asset) => asset.requiredConfirmations ?? 0),
  );
}

/** An error for the log: viem's short message, with every RPC URL (they may carry credentials) redacted. */
function describe(error: unknown, chain: Chain): string {
  let message =
    error instanceof BaseError
      ? [error.shortMessage, error.details].filter(Boolean).join(": ")
      : error instanceof Error
        ? error.message
        : String(error);
  for (const url of [...chain.rpcUrls, chain.bitcoinBackend?.url ?? ""].filter(Boolean)) {
    message = message.replaceAll(url, redactUrl(url));
  }
  return message;
}
