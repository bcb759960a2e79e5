import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/connect.ts";
import { type ErrorCode, NotFoundError, PaygateError } from "../errors.ts";
import { newId } from "../ids.ts";

/**
 * Merchant API keys: `sk_` + 32 random bytes (base64url). Only the SHA-256 of the key is stored; the key itself
 * is shown once, when created. A fast hash is enough: the key has 256 bits of entropy, nothing to brute-force.
 */
const KEY_PATTERN = /^sk_[A-Za-z0-9_-]{43}$/;

/** `last_used_at` is written at most this often per key, so authentication is not a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type AuthenticationCode = Extract<ErrorCode, `api_key_${string}`>;

export class AuthenticationError extends PaygateError {
  constructor(code: AuthenticationCode, message: string) {
    super(code, message);
  }
}

export interface ApiKeyObject {
  id: string;
  merchant_id: string;
  last4: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface CreatedApiKey extends ApiKeyObject {
  /** The key itself: returned here once, never stored. */
  key: string;
}

export interface ApiKeyIdentity {
  keyId: string;
  merchantId: string;
}

export function hashApiKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

export async function createApiKey(db: Db, merchantId: string): Promise<CreatedApiKey> {
  const merchant = await db
    .selectFrom("merchants")
    .select("id")
    .where("id", "=", merchantId)
    .executeTakeFirst();
  if (!merchant) throw new NotFoundError("merchant", merchantId);
  const key = `sk_${randomBytes(32).toString("base64url")}`;
  const row = await db
    .insertInto("api_keys")
    .values({ id: newId("key"), merchant_id: merchantId, key_hash: hashApiKey(key), last4: key.slice(-4) })
    .returning(["id", "merchant_id", "last4", "created_at", "last_used_at", "revoked_at"])
    .executeTakeFirstOrThrow();
  return { ...row, key };
}

export async function listApiKeys(db: Db, merchantId: string): Promise<ApiKeyObject[]> {
  return db
    .selectFrom("api_keys")
    .select(["id", "merchant_id", "last4", "created_at", "last_used_at", "revoked_at"])
    .where("merchant_id", "=", merchantId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

/** Revoking twice keeps the first revocation time. */
export async function revokeApiKey(db: Db, keyId: string): Promise<ApiKeyObject> {
  await db
    .updateTable("api_keys")
    .set({ revoked_at: new Date() })
    .where("id", "=", keyId)
    .where("revoked_at", "is", null)
    .execute();
  const row = await db
    .selectFrom("api_keys")
    .select(["id", "merchant_id", "last4", "created_at", "last_used_at", "revoked_at"])
    .where("id", "=", keyId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("api_key", keyId);
  return row;
}

/** Resolves a presented key to its merchant, or throws `AuthenticationError`. */
export async function authenticateApiKey(
  db: Db,
  presented: string,
  now = new Date(),
): Promise<ApiKeyIdentity> {
  if (!KEY_PATTERN.test(presented)) throw new AuthenticationError("api_key_invalid", "Invalid API key");
  const hash = hashApiKey(presented);
  const row = await db
    .selectFrom("api_keys")
    .select(["id", "merchant_id", "key_hash", "last_used_at", "revoked_at"])
    .where("key_hash", "=", hash)
    .executeTakeFirst();
  // the lookup is by hash; the constant-time compare guards against any index or collation surprise
  if (!row || row.key_hash.length !== hash.length || !timingSafeEqual(row.key_hash, hash)) {
    throw new AuthenticationError("api_key_invalid", "Invalid API key");
  }
  if (row.revoked_at !== null)
    throw new AuthenticationError("api_key_revoked", "This API key has been revoked");
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (row.last_used_at === null || row.last_used_at < staleBefore) {
    await db
      .updateTable("api_keys")
      .set({ last_used_at: now })
      .where("id", "=", row.id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", staleBefore)]))
      .execute();
  }
  return { keyId: row.id, merchantId: row.merchant_id };
}
