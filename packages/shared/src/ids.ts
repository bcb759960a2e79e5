import { randomFillSync } from "node:crypto";
import { ulid } from "ulid";

/**
 * Object ids are Stripe-style: a type prefix and a ULID. Each ULID carries 80 fresh random bits from the
 * platform CSPRNG: a monotonic factory would make the next id in the same millisecond the previous one plus
 * one, and `/pay/:id` is public (contract section 8). The time prefix keeps ids roughly in creation order for
 * indexes, but lists order by `created_at, id` (db/pagination.ts), not by id alone.
 */
export type IdPrefix = "mer" | "key" | "wal" | "pi" | "pay" | "evt" | "we" | "whs" | "dlv" | "att" | "swp";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid(undefined, cryptoFraction)}`;
}

/**
 * ulid's default source asks the CSPRNG for one byte per character (16 calls per id), which was the largest
 * single cost in the dispatcher's profile; the same CSPRNG bytes drawn 4 KiB at a time cost a fraction of it.
 * A byte over 256 is what ulid's own source returns: each of the 32 characters is equally likely.
 */
const pool = Buffer.alloc(4096);
let next = pool.length;
function cryptoFraction(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}
