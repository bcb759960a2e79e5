import { ulid } from "ulid";

/**
 * Object ids are Stripe-style: a type prefix and a ULID. Each ULID carries 80 fresh random bits (ulid's
 * default source is the platform CSPRNG): a monotonic factory would make the next id in the same millisecond
 * the previous one plus one, and `/pay/:id` is public (contract section 8). The time prefix keeps ids roughly
 * in creation order for indexes, but lists order by `created_at, id` (db/pagination.ts), not by id alone.
 */
export type IdPrefix = "mer" | "key" | "wal" | "pi" | "pay" | "evt" | "we" | "whs" | "dlv" | "att" | "swp";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
