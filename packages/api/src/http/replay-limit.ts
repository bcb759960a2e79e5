import { PaygateError } from "@paygate/shared";
import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import type { RateLimitOptions } from "../deps.ts";
import { merchantOf } from "./auth.ts";

/**
 * Contract section 8: manual redeliveries and recovers together, 60 a minute per merchant. One call can fan an
 * event out to every endpoint (or a recover to days of deliveries), so the per-key request limit alone would
 * let a merchant turn the dispatcher into an amplifier.
 */
export const REPLAY_LIMIT: RateLimitOptions = { limit: 60, windowMs: 60_000 };

/** The routes that queue manual deliveries, in Express path syntax. */
export const REPLAY_PATHS = ["/v1/events/:id/redeliver", "/v1/webhook-endpoints/:id/recover"];

export class ReplayRateLimitedError extends PaygateError {
  constructor(limit: number) {
    super(
      "rate_limited",
      `At most ${limit} redeliveries and recovers a minute per merchant; retry after the Retry-After delay`,
    );
  }
}

/**
 * Counted per merchant (not per key: a merchant's keys share the budget) in this process. Refused requests
 * (404, 422) queue nothing and are not counted; the per-key limit bounds those.
 */
export function replayLimitPerMerchant(options: RateLimitOptions = REPLAY_LIMIT): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    skipFailedRequests: true,
    validate: { ip: false, xForwardedForHeader: false, forwardedHeader: false },
    keyGenerator: (_request, response) => merchantOf(response),
    handler: (_request, _response, next) => next(new ReplayRateLimitedError(options.limit)),
  });
}
