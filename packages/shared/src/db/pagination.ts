/**
 * Cursor lists (contract section 3): `?limit=1..100 (20)&starting_after=ID`, newest first. Ids are ULIDs, so
 * `id desc` is creation order and `id < starting_after` is the next page. Fetch `limit + 1` rows and pass them
 * here: the extra row only tells whether there is more.
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
