import { sql } from "kysely";
import type { Db } from "../db/connect.ts";
import { afterCursor, type Page, type PageRequest, toPage } from "../db/pagination.ts";
import type { WebhookEndpointRow } from "../db/schema.ts";
import { InvalidRequestError, NotFoundError } from "../errors.ts";
import { newId } from "../ids.ts";
import { checkWebhookUrl, type WebhookUrlPolicy } from "./address-policy.ts";
import { WEBHOOK_EVENT_TYPES } from "./event-types.ts";
import {
  MAX_OLD_SECRETS,
  newWebhookSecret,
  purgeExpiredWebhookSecrets,
  SECRET_OVERLAP_MS,
} from "./secrets.ts";

export interface EndpointObject {
  id: string;
  object: "webhook_endpoint";
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export interface EndpointInput {
  url: string;
  events?: string[];
  description?: string;
}

export interface EndpointUpdate {
  url?: string;
  events?: string[];
  enabled?: boolean;
  description?: string;
}

/** Contract section 8: a merchant registers at most this many endpoints (`MAX_WEBHOOK_ENDPOINTS`). */
export const MAX_WEBHOOK_ENDPOINTS = 16;

/** Every event fans out to every endpoint: the cap bounds what one event (or one redelivery) can cost. */
export class EndpointLimitReachedError extends InvalidRequestError {
  constructor(limit: number) {
    super(
      "endpoint_limit_reached",
      `a merchant may have at most ${limit} webhook endpoints; delete one before adding another`,
    );
  }
}

const MAX_URL_LENGTH = 2048;
const MAX_DESCRIPTION_LENGTH = 500;

export function presentEndpoint(row: WebhookEndpointRow): EndpointObject {
  return {
    id: row.id,
    object: "webhook_endpoint",
    url: row.url,
    description: row.description,
    events: row.event_types,
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    failing_since: row.failing_since?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export async function createEndpoint(
  db: Db,
  merchantId: string,
  input: EndpointInput,
  policy: WebhookUrlPolicy,
  maxEndpoints = MAX_WEBHOOK_ENDPOINTS,
): Promise<EndpointObject & { secret: string }> {
  const url = await checkUrl(input.url, policy);
  const eventTypes = checkEventTypes(input.events ?? ["*"]);
  const description = checkDescription(input.description);
  const secret = newWebhookSecret();
  const row = await db.transaction().execute(async (trx) => {
    // the merchant's row lock serialises concurrent creates, so the count cannot be raced past the cap
    await trx.selectFrom("merchants").select("id").where("id", "=", merchantId).forUpdate().execute();
    const { live } = await trx
      .selectFrom("webhook_endpoints")
      .select((eb) => eb.fn.countAll<string>().as("live"))
      .where("merchant_id", "=", merchantId)
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow();
    if (Number(live) >= maxEndpoints) throw new EndpointLimitReachedError(maxEndpoints);
    const endpoint = await trx
      .insertInto("webhook_endpoints")
      .values({ id: newId("we"), merchant_id: merchantId, url, description, event_types: eventTypes })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("webhook_secrets")
      .values({ id: newId("whs"), endpoint_id: endpoint.id, secret })
      .execute();
    return endpoint;
  });
  return { ...presentEndpoint(row), secret };
}

export async function listEndpoints(
  db: Db,
  merchantId: string,
  page: PageRequest,
): Promise<Page<EndpointObject>> {
  let query = db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("merchant_id", "=", merchantId)
    .where("deleted_at", "is", null);
  if (page.startingAfter) {
    query = query.where(afterCursor("webhook_endpoints", merchantId, page.startingAfter));
  }
  const rows = await query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page, presentEndpoint);
}

export async function getEndpoint(db: Db, merchantId: string, id: string): Promise<EndpointObject> {
  return presentEndpoint(await findEndpoint(db, merchantId, id));
}

export async function updateEndpoint(
  db: Db,
  merchantId: string,
  id: string,
  update: EndpointUpdate,
  policy: WebhookUrlPolicy,
): Promise<EndpointObject> {
  await findEndpoint(db, merchantId, id);
  const url = update.url === undefined ? undefined : await checkUrl(update.url, policy);
  const eventTypes = update.events === undefined ? undefined : checkEventTypes(update.events);
  const description = update.description === undefined ? undefined : checkDescription(update.description);
  // Re-enabling also resets the 5-day failing clock; disabling by hand says so.
  const enabled =
    update.enabled === undefined
      ? {}
      : update.enabled
        ? { enabled: true, disabled_reason: null, failing_since: null }
        : { enabled: false, disabled_reason: "disabled by the merchant" };
  const row = await db
    .updateTable("webhook_endpoints")
    .set({ url, event_types: eventTypes, description, ...enabled, updated_at: sql`now()` })
    .where("id", "=", id)
    .where("merchant_id", "=", merchantId)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError("webhook_endpoint", id);
  return presentEndpoint(row);
}

/** Soft delete: the row stays for the delivery history; the dispatcher stops delivering to it. */
export async function deleteEndpoint(
  db: Db,
  merchantId: string,
  id: string,
): Promise<{ id: string; object: "webhook_endpoint"; deleted: true }> {
  const row = await db
    .updateTable("webhook_endpoints")
    .set({ deleted_at: sql`now()`, enabled: false, disabled_reason: "deleted", updated_at: sql`now()` })
    .where("id", "=", id)
    .where("merchant_id", "=", merchantId)
    .where("deleted_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  if (!row) throw new NotFoundError("webhook_endpoint", id);
  return { id, object: "webhook_endpoint", deleted: true };
}

/**
 * A new current key; the replaced one keeps signing for 24 h beside it. Keys replaced earlier than the newest
 * `MAX_OLD_SECRETS` stop signing now.
 */
export async function rotateEndpointSecret(
  db: Db,
  merchantId: string,
  id: string,
): Promise<EndpointObject & { secret: string }> {
  const secret = newWebhookSecret();
  const row = await db.transaction().execute(async (trx) => {
    const endpoint = await trx
      .selectFrom("webhook_endpoints")
      .selectAll()
      .where("id", "=", id)
      .where("merchant_id", "=", merchantId)
      .where("deleted_at", "is", null)
      .forUpdate()
      .executeTakeFirst();
    if (!endpoint) throw new NotFoundError("webhook_endpoint", id);
    const now = new Date();
    await trx
      .updateTable("webhook_secrets")
      .set({ expires_at: new Date(now.getTime() + SECRET_OVERLAP_MS) })
      .where("endpoint_id", "=", id)
      .where("expires_at", "is", null)
      .execute();
    const stillSigning = await trx
      .selectFrom("webhook_secrets")
      .select("id")
      .where("endpoint_id", "=", id)
      .where("expires_at", ">", now)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute();
    const retired = stillSigning.slice(MAX_OLD_SECRETS).map(({ id: secretId }) => secretId);
    if (retired.length > 0) {
      await trx.updateTable("webhook_secrets").set({ expires_at: now }).where("id", "in", retired).execute();
    }
    await purgeExpiredWebhookSecrets(trx, now, id);
    await trx
      .insertInto("webhook_secrets")
      .values({ id: newId("whs"), endpoint_id: id, secret })
      .execute();
    return trx
      .updateTable("webhook_endpoints")
      .set({ updated_at: now })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  return { ...presentEndpoint(row), secret };
}

/** The merchant's live endpoint, or NotFoundError: another merchant's id looks exactly like a missing one. */
export async function findEndpoint(db: Db, merchantId: string, id: string): Promise<WebhookEndpointRow> {
  const row = await db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("id", "=", id)
    .where("merchant_id", "=", merchantId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("webhook_endpoint", id);
  return row;
}

async function checkUrl(raw: string, policy: WebhookUrlPolicy): Promise<string> {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_URL_LENGTH) {
    throw new InvalidRequestError("parameter_invalid", `url must be 1 to ${MAX_URL_LENGTH} characters`, {
      param: "url",
    });
  }
  return (await checkWebhookUrl(raw, policy)).toString();
}

function checkEventTypes(events: readonly string[]): string[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidRequestError("parameter_invalid", 'events must list at least one event type, or ["*"]', {
      param: "events",
    });
  }
  for (const type of events) {
    if (type !== "*" && !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)) {
      throw new InvalidRequestError(
        "invalid_event_type",
        `unknown event type '${type}'; expected one of ${WEBHOOK_EVENT_TYPES.join(", ")} or *`,
        { param: "events" },
      );
    }
  }
  return events.includes("*") ? ["*"] : [...new Set(events)];
}

function checkDescription(description: string | undefined): string | null {
  if (description === undefined) return null;
  if (typeof description !== "string" || description.length > MAX_DESCRIPTION_LENGTH) {
    throw new InvalidRequestError(
      "parameter_invalid",
      `description must be at most ${MAX_DESCRIPTION_LENGTH} characters`,
      { param: "description" },
    );
  }
  return description;
}
