import { type Expression, type SqlBool, sql } from "kysely";

/**
 * Cursor lists (contract section 3): `?limit=1..100 (20)&starting_after=ID`, newest first. Ids carry fresh
 * randomness (ids.ts), so they say nothing about order within a millisecond: lists order by
 * `created_at desc, id desc` and the next page starts below the cursor row's `(created_at, id)`. Fetch
 * `limit + 1` rows and pass them to `toPage`: the extra row only tells whether there is more.
 */
export interface PageRequest {
  limit: number;
  startingAfter?: string;
}

export interface Page<T> {
  object: "list";
  data: T[];
  has_more: boolean;
}

/** The tables whose rows are listed by merchant with a cursor. */
export type ListedTable = "payment_intents" | "events" | "webhook_endpoints";

/**
 * Rows after `startingAfter` in list order. The cursor row is looked up among the merchant's own rows: an
 * unknown id, or another merchant's, ends the list (an empty page) instead of placing it in someone else's.
 */
export function afterCursor(
  table: ListedTable,
  merchantId: string,
  startingAfter: string,
): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.ref(`${table}.created_at`)}, ${sql.ref(`${table}.id`)}) < (
    select cursor.created_at, cursor.id from ${sql.table(table)} as cursor
    where cursor.id = ${startingAfter} and cursor.merchant_id = ${merchantId})`;
}

export function toPage<Row, T>(
  rows: readonly Row[],
  request: PageRequest,
  present: (row: Row) => T,
): Page<T> {
  return {
    object: "list",
    data: rows.slice(0, request.limit).map(present),
    has_more: rows.length > request.limit,
  };
}
