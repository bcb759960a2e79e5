import type { RequestHandler, Response } from "express";
import { ipKeyGenerator, MemoryStore, type Options, rateLimit } from "express-rate-limit";
import type { RateLimitOptions } from "../deps.ts";
import { RateLimitedError } from "./api-errors.ts";
import { authOf } from "./auth.ts";

/**
 * Limits counted in this process (in-memory stores). With several API replicas each counts on its own; the
 * limits guard against runaway clients and floods, they are not a billing meter. Client IPs are
 * `request.ip`: the socket's peer, or X-Forwarded-For from a proxy TRUST_PROXY names (app.ts).
 */

/** Per API key, once authenticated. */
export function rateLimitPerKey(options: RateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    // keys are API keys, not client IPs, so the IP and proxy-header checks do not apply
    validate: { ip: false, xForwardedForHeader: false, forwardedHeader: false },
    keyGenerator: (_request, response) => authOf(response)?.keyId ?? "anonymous",
    handler: (_request, _response, next) => next(new RateLimitedError()),
  });
}

/** Per client IP (an IPv6 client's /56), every request: the public checkout (`/pay/*`). */
export function rateLimitPerIp(options: RateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    // which proxies count is TRUST_PROXY's decision; a stray header is the client's, and ignored
    validate: { xForwardedForHeader: false, forwardedHeader: false },
    handler: (_request, _response, next) => next(new RateLimitedError()),
  });
}

/**
 * Per client IP, failed authentications only: once an IP has failed `limit` times in a window, its `/v1`
 * requests are refused before their key is even looked up, so guessing keys costs the database nothing more.
 * Requests that authenticate are not counted, however many an IP sends.
 */
export function limitFailedAuthentications(options: RateLimitOptions): RequestHandler {
  const failures = new MemoryStore();
  failures.init({ windowMs: options.windowMs } as Options);
  return async (request, response, next) => {
    const key = ipKeyGenerator(request.ip ?? "");
    const recorded = await failures.get(key);
    if (recorded && recorded.totalHits >= options.limit) {
      setRetryAfter(response, recorded.resetTime);
      throw new RateLimitedError();
    }
    response.once("finish", () => {
      if (response.statusCode === 401) void failures.increment(key);
    });
    next();
  };
}

function setRetryAfter(response: Response, resetTime: Date | undefined): void {
  const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 60;
  response.setHeader("Retry-After", String(seconds));
}
