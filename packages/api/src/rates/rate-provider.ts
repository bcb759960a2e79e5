import { PaygateError } from "@paygate/shared";

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
