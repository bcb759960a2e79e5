import { type RateProvider, RatesProviderMissingError } from "./rate-provider.ts";

/** Production without RATES_PROVIDER: no rate is ever made up, so a fiat price is refused with a clear error. */
export function noRates(): RateProvider {
  return {
    name: "none",
    async getRate(_asset, fiat) {
      throw new RatesProviderMissingError(fiat);
    },
  };
}
