import type { Db } from "../db/connect.ts";
import { afterCursor, type Page, type PageRequest, toPage } from "../db/pagination.ts";
import type { EventRow } from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";

/** The stored body exactly as receivers get it, plus `object`. */
export interface EventObject {
  id: string;
  object: "event";
  type: string;
  created_at: string;
  api_version: string;
  data: Record<string, unknown>;
}

export interface EventFilter {
  type?: string;
  paymentIntent?: string;
}

export function presentEvent(row: Pick<EventRow, "body">): EventObject {
  const { id, ...rest } = JSON.parse(row.body) as Omit<EventObject, "object">;
  return { id, object: "event", ...rest };
}

export async function listEvents(
  db: Db,
  merchantId: string,
  filter: EventFilter,
  page: PageRequest,
): Promise<Page<EventObject>> {
  let query = db.selectFrom("events").select("body").where("merchant_id", "=", merchantId);
  if (filter.type) query = query.where("type", "=", filter.type);
  if (filter.paymentIntent) query = query.where("intent_id", "=", filter.paymentIntent);
  if (page.startingAfter) query = query.where(afterCursor("events", merchantId, page.startingAfter));
  const rows = await query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page, presentEvent);
}

/** One event with `body`: the stored text, byte for byte as receivers got it, to re-check a signature against. */
export interface EventWithBody extends EventObject {
  body: string;
}

export async function getEvent(db: Db, merchantId: string, id: string): Promise<EventWithBody> {
  const row = await findEvent(db, merchantId, id);
  return { ...presentEvent(row), body: row.body };
}

export async function findEvent(db: Db, merchantId: string, id: string): Promise<EventRow> {
  const row = await db
    .selectFrom("events")
    .selectAll()
    .where("id", "=", id)
    .where("merchant_id", "=", merchantId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("event", id);
  return row;
}

/** For operators (the CLI acts across merchants): whose event is this? */
export async function findEventMerchantId(db: Db, id: string): Promise<string> {
  const row = await db.selectFrom("events").select("merchant_id").where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("event", id);
  return row.merchant_id;
}
