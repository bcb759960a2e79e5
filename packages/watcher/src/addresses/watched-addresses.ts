import type { Db } from "@paygate/shared";
import { decodeTime, encodeTime } from "ulid";
import type { AddressFilter } from "../chains/source.ts";

/**
 * The addresses of every intent on one chain, as an in-memory hash set: lookups cost the same with ten or a
 * million addresses (a million EVM addresses take about 110 MB). Canceled and closed intents stay in: a payment
 * to them is still recorded (the state machine decides it changes nothing).
 *
 * Loaded once, then refreshed incrementally by intent id (ULIDs sort by creation time). Two API processes can
 * commit intents out of id order, so each refresh re-reads a margin of the newest ids; adding is idempotent.
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
  const keys = new Set<string>();
  let newestTime: number | undefined;

  return {
    get size() {
      return keys.size;
    },
    has: (key) => keys.has(key),
    async refresh() {
      // ids are "pi_" + ULID; the first 10 ULID characters are the creation time
      let after =
        newestTime === undefined ? "" : `pi_${encodeTime(Math.max(0, newestTime - COMMIT_MARGIN_MS))}`;
      for (;;) {
        const rows = await db
          .selectFrom("payment_intents")
          .select(["id", "address"])
          .where("chain", "=", chain)
          .where("id", ">", after)
          .orderBy("id")
          .limit(PAGE)
          .execute();
        for (const row of rows) keys.add(addressKey(row.address));
        const last = rows.at(-1);
        if (last) {
          after = last.id;
          newestTime = Math.max(newestTime ?? 0, decodeTime(last.id.slice(3)));
        }
        if (rows.length < PAGE) return;
      }
    },
  };
}
