import { dig, type HttpRatesOptions, httpRates } from "./http-rates.ts";
import type { RateProvider } from "./rate-provider.ts";

/** CoinGecko names coins by id, not ticker (https://docs.coingecko.com/reference/simple-price). */
export const coingeckoIds: Readonly<Record<string, string>> = {
  BTC: "bitcoin",
  ETH: "ethereum",
  POL: "polygon-ecosystem-token",
  BNB: "binancecoin",
  USDC: "usd-coin",
  USDT: "tether",
};

/** `GET /simple/price?ids=ethereum&vs_currencies=usd` answers `{"ethereum":{"usd":3012.45}}`. */
export function coingeckoRates(options: HttpRatesOptions = {}): RateProvider {
  return httpRates(
    {
      name: "coingecko",
      defaultBaseUrl: "https://api.coingecko.com/api/v3",
      pathFor(asset, fiat) {
        const id = coingeckoIds[asset];
        if (!id) return null;
        return `/simple/price?ids=${id}&vs_currencies=${fiat.toLowerCase()}&precision=full`;
      },
      priceIn: (answer, asset, fiat) => dig(answer, coingeckoIds[asset]!, fiat.toLowerCase()),
    },
    options,
  );
}
