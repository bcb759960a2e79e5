import { ulid } from "ulid";

/** Object ids are Stripe-style: a type prefix and a ULID, so ids sort by creation time (cursor pagination). */
export type IdPrefix = "mer" | "key" | "wal" | "pi" | "pay" | "evt" | "we" | "whs" | "dlv" | "att";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
