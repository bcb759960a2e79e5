import type { Chain, Config, Db, Logger } from "@paygate/shared";
import type { RateProvider } from "./rates/index.ts";

export interface RateLimitOptions {
  /** Requests one API key may make per window. */
  limit: number;
  windowMs: number;
}

/** Everything a request handler uses, passed in once (no globals). */
export interface ApiDeps {
  db: Db;
  config: Config;
  logger: Logger;
  rates: RateProvider;
  chains: ReadonlyMap<string, Chain>;
  /** Per API key; defaults to `DEFAULT_RATE_LIMIT`. */
  rateLimit?: RateLimitOptions;
  /** Per client IP; defaults to `DEFAULT_IP_LIMITS`. */
  ipLimits?: IpLimits;
}

/** Generous enough for a busy shop, low enough that one leaked key cannot flood the database. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { limit: 100, windowMs: 1000 };

export interface IpLimits {
  /** Every request to the public checkout, `/pay/*`. */
  checkout: RateLimitOptions;
  /** Failed authentications on `/v1`. */
  failedAuthentications: RateLimitOptions;
}

/** Contract section 8: a payer's page polls well under this; a scraper or a key guesser does not. */
export const DEFAULT_IP_LIMITS: IpLimits = {
  checkout: { limit: 120, windowMs: 60_000 },
  failedAuthentications: { limit: 30, windowMs: 60_000 },
};

export function chainsById(config: Config): ReadonlyMap<string, Chain> {
  return new Map(config.chains.map((chain) => [chain.id, chain]));
}
