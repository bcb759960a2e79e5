import type { Config } from "@paygate/shared";
import { cachedRates } from "./cached-rates.ts";
import { coinbaseRates } from "./coinbase.ts";
import { coingeckoRates } from "./coingecko.ts";
import { fixedRates } from "./fixed.ts";
import type { HttpRatesOptions } from "./http-rates.ts";
import { krakenRates } from "./kraken.ts";
import { noRates } from "./no-rates.ts";
import type { RateProvider } from "./rate-provider.ts";

export * from "./cached-rates.ts";
export * from "./coinbase.ts";
export * from "./coingecko.ts";
export * from "./fixed.ts";
export type { HttpRatesOptions } from "./http-rates.ts";
export * from "./kraken.ts";
export * from "./no-rates.ts";
export * from "./rate-provider.ts";

export interface RateProviderOptions extends HttpRatesOptions {
  cacheTtlMs?: number;
}

/** The provider `RATES_PROVIDER` names; HTTP ones are cached. */
export function createRateProvider(config: Config, options: RateProviderOptions = {}): RateProvider {
  const { cacheTtlMs, ...http } = options;
  switch (config.rates.provider) {
    case "none":
      return noRates();
    case "fixed":
      return fixedRates(config.rates.fixed);
    case "coingecko":
      return cachedRates(coingeckoRates(http), cacheTtlMs);
    case "kraken":
      return cachedRates(krakenRates(http), cacheTtlMs);
    case "coinbase":
      return cachedRates(coinbaseRates(http), cacheTtlMs);
  }
}
