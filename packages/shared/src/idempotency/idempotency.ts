import { createHash } from "node:crypto";
import type { Db } from "../db/connect.ts";
import { ConflictError, InvalidRequestError } from "../errors.ts";

/**
 * `Idempotency-Key` with Stripe's semantics (contract section 3), keyed per merchant. The in-flight row is
 * inserted first, in its own statement: the primary key makes exactly one of any number of concurrent
 * requests the owner; the others replay its answer or are told it is still in flight.
 */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * An in-flight row older than this belongs to a process that died mid-request (requests give up long before:
 * rate lookups time out in seconds), so a retry may take the key over instead of waiting out the 24 h.
 */
const ABANDONED_AFTER_MS = 5 * 60 * 1000;

export type IdempotencyClaim = { kind: "owner" } | { kind: "replay"; status: number; body: string };

/** SHA-256 of the canonical JSON (object keys sorted), so key order and whitespace do not matter. */
export function requestFingerprint(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Claims the key for this request, or returns the stored answer to replay; throws on misuse. */
export async function claimIdempotencyKey(
  db: Db,
  merchantId: string,
  key: string,
  fingerprint: string,
  now = new Date(),
): Promise<IdempotencyClaim> {
  const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS);
  const abandonedBefore = new Date(now.getTime() - ABANDONED_AFTER_MS);
  const claimed = await db
    .insertInto("idempotency_keys")
    .values({ merchant_id: merchantId, key, request_hash: fingerprint, created_at: now })
    .onConflict((conflict) =>
      conflict
        .columns(["merchant_id", "key"])
        .doUpdateSet({
          request_hash: fingerprint,
          response_status: null,
          response_body: null,
          created_at: now,
        })
        // a key past its 24 h, or abandoned by a dead process, is free again
        .where((eb) =>
          eb.or([
            eb("idempotency_keys.created_at", "<", expiredBefore),
            eb.and([
              eb("idempotency_keys.response_status", "is", null),
              eb("idempotency_keys.created_at", "<", abandonedBefore),
            ]),
          ]),
        ),
    )
    .returning("key")
    .executeTakeFirst();
  if (claimed) return { kind: "owner" };

  const existing = await db
    .selectFrom("idempotency_keys")
    .select(["request_hash", "response_status", "response_body"])
    .where("merchant_id", "=", merchantId)
    .where("key", "=", key)
    .executeTakeFirst();
  // released between our insert and this read: the caller may simply retry
  if (!existing) throw inUse();
  if (existing.request_hash !== fingerprint) {
    throw new InvalidRequestError(
      "idempotency_key_reused",
      "This Idempotency-Key was used with a different request body; use a new key for a new request",
      { param: "Idempotency-Key" },
    );
  }
  if (existing.response_status === null) throw inUse();
  return { kind: "replay", status: existing.response_status, body: existing.response_body as string };
}

/**
 * Stores the answer the key replays from now on. The body is kept as the exact JSON text (a jsonb string):
 * jsonb would reorder an object's keys, and a replay should be byte-identical.
 */
export async function completeIdempotencyKey(
  db: Db,
  merchantId: string,
  key: string,
  status: number,
  bodyText: string,
): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({ response_status: status, response_body: JSON.stringify(bodyText) })
    .where("merchant_id", "=", merchantId)
    .where("key", "=", key)
    .execute();
}

/** Frees the key after a failed request: failures are not stored, so a corrected retry can use it. */
export async function releaseIdempotencyKey(db: Db, merchantId: string, key: string): Promise<void> {
  await db
    .deleteFrom("idempotency_keys")
    .where("merchant_id", "=", merchantId)
    .where("key", "=", key)
    .where("response_status", "is", null)
    .execute();
}

export async function purgeExpiredIdempotencyKeys(db: Db, now = new Date()): Promise<number> {
  const result = await db
    .deleteFrom("idempotency_keys")
    .where("created_at", "<", new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

function inUse(): ConflictError {
  return new ConflictError(
    "idempotency_key_in_use",
    "A request with this Idempotency-Key is still being processed; retry shortly",
  );
}
