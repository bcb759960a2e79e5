import { dig, type HttpRatesOptions, httpRates } from "./http-rates.ts";
import type { RateProvider } from "./rate-provider.ts";

/** Kraken calls bitcoin XBT (https://docs.kraken.com/api/docs/rest-api/get-ticker-information). */
const krakenAssets: Readonly<Record<string, string>> = { BTC: "XBT" };

/**
 * `GET /0/public/Ticker?pair=XBTUSD` answers `{"error":[],"result":{"XXBTZUSD":{"c":["60000.10000","0.001"],...}}}`;
 * the result key is Kraken's own pair name, so the single entry is taken whatever it is called. `c[0]` is the
 * last trade price.
 */
export function krakenRates(options: HttpRatesOptions = {}): RateProvider {
  return httpRates(
    {
      name: "kraken",
      defaultBaseUrl: "https://api.kraken.com",
      pathFor: (asset, fiat) => `/0/public/Ticker?pair=${krakenAssets[asset] ?? asset}${fiat}`,
      priceIn(answer) {
        const errors = dig(answer, "error");
        if (Array.isArray(errors) && errors.length > 0) return undefined;
        const result = dig(answer, "result");
        if (result === null || typeof result !== "object") return undefined;
        const pairs = Object.values(result);
        return pairs.length === 1 ? dig(pairs[0], "c", 0) : undefined;
      },
    },
    options,
  );
}
