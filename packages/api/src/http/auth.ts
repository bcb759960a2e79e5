import { type ApiKeyIdentity, AuthenticationError, authenticateApiKey, type Db } from "@paygate/shared";
import type { RequestHandler, Response } from "express";

/** `Authorization: Bearer sk_...`; the identity is kept in `res.locals` for handlers and the request log. */
export function authenticate(db: Db): RequestHandler {
  return async (request, response, next) => {
    const header = request.headers.authorization;
    if (!header)
      throw new AuthenticationError("api_key_missing", "Send your API key as 'Authorization: Bearer sk_...'");
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match)
      throw new AuthenticationError(
        "api_key_invalid",
        "Invalid Authorization header; expected 'Bearer sk_...'",
      );
    response.locals.auth = await authenticateApiKey(db, match[1]!);
    next();
  };
}

export function authOf(response: Response): ApiKeyIdentity | undefined {
  return response.locals.auth as ApiKeyIdentity | undefined;
}

export function merchantOf(response: Response): string {
  const auth = authOf(response);
  if (!auth) throw new Error("route mounted without authentication");
  return auth.merchantId;
}
