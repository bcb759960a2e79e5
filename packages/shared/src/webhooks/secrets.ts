import { randomBytes } from "node:crypto";
import type { Db } from "../db/connect.ts";

/** `whsec_` + base64 of 24 random bytes (contract section 4; the Standard Webhooks secret format). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** After a rotation the replaced key keeps signing beside the new one for 24 h. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** At most this many replaced keys sign at once; older ones stop at the next rotation. */
export const MAX_OLD_SECRETS = 10;

/**
 * Deletes the keys that no longer sign (past their overlap, or retired by an 11th rotation): an expired secret
 * is only a liability once stored (contract section 8). Rotation deletes an endpoint's own; the dispatcher runs
 * this periodically for the rest. Returns how many were deleted.
 */
export async function purgeExpiredWebhookSecrets(
  db: Db,
  now = new Date(),
  endpointId?: string,
): Promise<number> {
  let query = db.deleteFrom("webhook_secrets").where("expires_at", "<=", now);
  if (endpointId) query = query.where("endpoint_id", "=", endpointId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
