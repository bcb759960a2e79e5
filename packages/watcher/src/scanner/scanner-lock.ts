import { setTimeout as delay } from "node:timers/promises";
import pg from "pg";

/**
 * One active scanner per chain: a PostgreSQL session advisory lock held on a connection of its own. The
 * server drops it the moment that connection dies (process killed, network gone), so a standby takes over.
 */
export class ScannerLockLostError extends Error {
  override name = "ScannerLockLostError";
  constructor(readonly chain: string) {
    super(`lost the scanner lock of chain ${chain} (its database connection closed)`);
  }
}

export interface ScannerLock {
  /** Takes the lock if it is free. */
  tryAcquire(): Promise<boolean>;
  /** Resolves true once held; false if `signal` aborts first. Waits as a hot standby meanwhile. */
  acquire(signal: AbortSignal): Promise<boolean>;
  /** Throws ScannerLockLostError when the connection holding the lock is gone. */
  check(): Promise<void>;
  release(): Promise<void>;
}

export function scannerLock(databaseUrl: string, chain: string, retryMs: number): ScannerLock {
  const key = `paygate:watcher:${chain}`;
  let client: pg.Client | undefined;
  let lost = false;

  async function connect(): Promise<pg.Client> {
    const next = new pg.Client({
      connectionString: databaseUrl,
      application_name: `paygate-watcher-lock-${chain}`,
    });
    next.on("error", () => {
      lost = true;
    });
    next.on("end", () => {
      lost = true;
    });
    await next.connect();
    lost = false;
    return next;
  }

  async function drop(): Promise<void> {
    const current = client;
    client = undefined;
    await current?.end().catch(() => {});
  }

  async function tryAcquire(): Promise<boolean> {
    try {
      if (!client || lost) {
        await drop();
        client = await connect();
      }
      const { rows } = await client.query<{ locked: boolean }>(
        "select pg_try_advisory_lock(hashtextextended($1, 0)) as locked",
        [key],
      );
      return rows[0]?.locked === true;
    } catch {
      await drop(); // the database is unreachable: the caller tries again later
      return false;
    }
  }

  return {
    tryAcquire,
    async acquire(signal) {
      while (!signal.aborted) {
        if (await tryAcquire()) return true;
        await delay(retryMs, undefined, { signal }).catch(() => {});
      }
      return false;
    },
    async check() {
      if (!client || lost) throw new ScannerLockLostError(chain);
      try {
        await client.query("select 1");
      } catch {
        throw new ScannerLockLostError(chain);
      }
    },
    async release() {
      if (client && !lost) {
        await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [key]).catch(() => {});
      }
      await drop();
    },
  };
}
