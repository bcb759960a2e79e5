import { InvalidRequestError, PaygateError } from "@paygate/shared";

/** A price: how much `fiat` one whole unit of the asset costs, as an exact decimal string. */
export interface Rate {
  rate: string;
  source: string;
  quotedAt: Date;
}

export interface RateProvider {
  readonly name: string;
  getRate(asset: string, fiat: string): Promise<Rate>;
}

/** No price could be had (provider down, slow, or not quoting the pair): 503, and nothing is written. */
export class RateUnavailableError extends PaygateError {
  constructor(asset: string, fiat: string, reason: string) {
    super("rate_unavailable", `No ${asset}/${fiat} rate is available right now (${reason}); retry later`);
  }
}

/** The gateway has no rates provider (production without RATES_PROVIDER): a fiat price cannot be quoted. */
export class RatesProviderMissingError extends InvalidRequestError {
  constructor(fiat: string) {
    super(
      "rates_provider_missing",
      `This gateway has no exchange-rate provider (RATES_PROVIDER), so it cannot price in ${fiat}; price the intent in the asset itself`,
      { param: "currency" },
    );
  }
}
