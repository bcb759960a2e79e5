import { randomBytes } from "node:crypto";

/** `whsec_` + base64 of 24 random bytes (contract section 4; the Standard Webhooks secret format). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** After a rotation the replaced key keeps signing beside the new one for 24 h. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** At most this many replaced keys sign at once; older ones stop at the next rotation. */
export const MAX_OLD_SECRETS = 10;
