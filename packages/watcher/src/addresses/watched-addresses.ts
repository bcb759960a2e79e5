import type { Db } from "@paygate/shared";
import { decodeTime, encodeTime } from "ulid";
import type { AddressFilter } from "../chains/source.ts";
import { FingerprintSet } from "./fingerprint-set.ts";

/**
 * The addresses of every intent on one chain, as an in-memory set of fingerprints: lookups cost the same with ten
 * or a million addresses (a million take 16 MB; see `FingerprintSet` for its one-in-2^64 false match). Canceled and closed intents stay in: a payment
 * to them is still recorded (the state machine decides it changes nothing).
 *
 * Loaded once, then refreshed incrementally by intent id (ULIDs sort by creation time). Two API processes can
 * commit intents out of id order, so a refresh must also see ids in a margin below the newest one read. It
 * reads only the ids above the newest, then counts the rows of the margin in the database: intents are never
 * deleted, so the count equals the number of margin rows already read unless one committed late, and only then
 * is the margin read again. A poll costs one count over the margin, not reading and hashing every row of it
 * (at 1,000 intents/s, 60,000 per poll). Adding is idempotent.
 */
export interface WatchedAddresses extends AddressFilter {
  readonly size: number;
  /** Reads intents created since the last refresh (the first call reads them all). */
  refresh(): Promise<void>;
}

const PAGE = 50_000;
/** Longer than any create-intent transaction can stay open between taking its id and committing. */
const COMMIT_MARGIN_MS = 60_000;

export function watchedAddresses(
  db: Db,
  chain: string,
  addressKey: (address: string) => string,
): WatchedAddresses {
  const keys = new FingerprintSet();
  let newestId: string | undefined;
  /** Id times of the rows read whose time is within the margin of the newest id, ascending. */
  let marginTimes: number[] = [];

  const timeOf = (id: string) => decodeTime(id.slice(3)); // "pi_" + ULID: the first 10 characters are the time

  /**
   * Adds the chain's intents with `after < id <= upTo` (no upper bound without `upTo`); returns the id times of
   * those within the margin of the newest read (older ones are dropped page by page: a million on first load).
   */
  async function read(after: string, upTo?: string): Promise<number[]> {
    let times: number[] = [];
    for (;;) {
      let query = db
        .selectFrom("payment_intents")
        .select(["id", "address"])
        .where("chain", "=", chain)
        .where("id", ">", after);
      if (upTo !== undefined) query = query.where("id", "<=", upTo);
      const rows = await query.orderBy("id").limit(PAGE).execute();
      for (const row of rows) {
        keys.add(addressKey(row.address));
        times.push(timeOf(row.id));
      }
      const last = rows.at(-1);
      if (last) {
        after = last.id;
        if (newestId === undefined || last.id > newestId) newestId = last.id;
        const marginStart = timeOf(last.id) - COMMIT_MARGIN_MS;
        if (times[0]! < marginStart) times = times.filter((time) => time >= marginStart);
      }
      if (rows.length < PAGE) return times;
    }
  }

  async function countBetween(after: string, upTo: string): Promise<number> {
    const row = await db
      .selectFrom("payment_intents")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("chain", "=", chain)
      .where("id", ">", after)
      .where("id", "<=", upTo)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  return {
    get size() {
      return keys.size;
    },
    has: (key) => keys.has(key),
    async refresh() {
      const previous = newestId;
      const times = await read(previous ?? "");
      if (newestId === undefined) return; // no intent on this chain yet
      // ids sort by time, so the rows above the previous newest are the newest times, ascending
      const marginStart = Math.max(0, timeOf(newestId) - COMMIT_MARGIN_MS);
      marginTimes = (previous === undefined ? times : [...marginTimes, ...times]).filter(
        (time) => time >= marginStart,
      );
      // `id > "pi_" + time` holds every id of that millisecond and later: the margin as the times above count it
      const marginFrom = `pi_${encodeTime(marginStart)}`;
      if ((await countBetween(marginFrom, newestId)) === marginTimes.length) return;
      // an intent committed out of id order: read the margin again; what it holds now is the margin
      marginTimes = (await read(marginFrom, newestId)).filter((time) => time >= marginStart);
    },
  };
}
