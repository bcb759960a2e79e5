import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import type { RateLimitOptions } from "../deps.ts";
import { RateLimitedError } from "./api-errors.ts";
import { authOf } from "./auth.ts";

/**
 * Per API key, counted in this process (in-memory store). With several API replicas each counts on its own;
 * the limit is a guard against runaway clients, not a billing meter.
 */
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
