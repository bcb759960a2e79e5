import type { Rate, RateProvider } from "./rate-provider.ts";

export const DEFAULT_RATE_CACHE_MS = 30_000;

/**
 * Keeps each pair's price for a short while and shares one lookup between concurrent requests, so a burst of
 * intents costs the provider one call. Failures are not kept: the next request asks again.
 */
export function cachedRates(provider: RateProvider, ttlMs = DEFAULT_RATE_CACHE_MS): RateProvider {
  const cache = new Map<string, { rate: Promise<Rate>; until: number }>();
  return {
    name: provider.name,
    getRate(asset, fiat) {
      const key = `${asset}:${fiat}`;
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.until > now) return hit.rate;
      const rate = provider.getRate(asset, fiat);
      cache.set(key, { rate, until: now + ttlMs });
      rate.catch(() => {
        if (cache.get(key)?.rate === rate) cache.delete(key);
      });
      return rate;
    },
  };
}
