import { monotonicFactory } from "ulid";

/** Object ids are Stripe-style: a type prefix and a ULID, so ids sort by creation time (cursor pagination). */
export type IdPrefix = "mer" | "key" | "wal" | "pi" | "pay" | "evt" | "we" | "whs" | "dlv" | "att" | "swp";

// Monotonic within a process: the events one reconcile writes share a millisecond, and "newest first" lists
// must still show them in the order they were made.
const ulid = monotonicFactory();

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
