import type { Config } from "@paygate/shared";
import { type RateProvider, RateUnavailableError } from "./rate-provider.ts";

/** `RATES_FIXED=ETH:USD=3000,BTC:USD=60000`: for development and tests. */
export function fixedRates(entries: Config["rates"]["fixed"]): RateProvider {
  const rates = new Map(entries.map((entry) => [`${entry.asset}:${entry.fiat}`, entry.rate]));
  return {
    name: "fixed",
    async getRate(asset, fiat) {
      const rate = rates.get(`${asset}:${fiat}`);
      if (!rate) throw new RateUnavailableError(asset, fiat, "not in RATES_FIXED");
      return { rate, source: "fixed", quotedAt: new Date() };
    },
  };
}
