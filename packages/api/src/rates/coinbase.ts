import { dig, type HttpRatesOptions, httpRates } from "./http-rates.ts";
import type { RateProvider } from "./rate-provider.ts";

/**
 * `GET /v2/prices/ETH-USD/spot` answers `{"data":{"amount":"3012.45","base":"ETH","currency":"USD"}}`
 * (https://docs.cdp.coinbase.com/coinbase-app/track-apis/prices).
 */
export function coinbaseRates(options: HttpRatesOptions = {}): RateProvider {
  return httpRates(
    {
      name: "coinbase",
      defaultBaseUrl: "https://api.coinbase.com",
      pathFor: (asset, fiat) => `/v2/prices/${asset}-${fiat}/spot`,
      priceIn(answer, asset, fiat) {
        const currency = dig(answer, "data", "currency");
        const base = dig(answer, "data", "base");
        if (currency !== undefined && currency !== fiat) return undefined;
        if (base !== undefined && base !== asset) return undefined;
        return dig(answer, "data", "amount");
      },
    },
    options,
  );
}
