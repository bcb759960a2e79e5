import {
  type Asset,
  type Chain,
  convertFiatToAsset,
  InvalidRequestError,
  isFiatCurrency,
  parseAmount,
  parseFiatPrice,
} from "@paygate/shared";
import type { RateProvider } from "../rates/index.ts";

/** What an intent is priced at: the amount due in base units and the rate that produced it. */
export interface Quote {
  amountDue: bigint;
  rate: string;
  source: string;
  quotedAt: Date;
}

/** The quote source when the price is given in the asset itself: nothing is converted. */
export const NO_CONVERSION = "none";
/** The quote source for a stablecoin priced 1:1 against its peg (only when the chain config says so). */
export const PEGGED = "peg";

/**
 * `currency` is the asset's own symbol (no conversion) or an ISO 4217 fiat code (converted with a rate, rounded
 * up to the asset's base unit so the merchant never receives less than the price). The price is checked
 * before any provider is asked, so a bad request never costs a rate lookup.
 */
export async function quotePrice(
  rates: RateProvider,
  chain: Chain,
  asset: Asset,
  price: { amount: string; currency: string },
): Promise<Quote> {
  if (price.currency === asset.symbol) {
    const amountDue = parseAmount(price.amount, asset.decimals);
    return { amountDue, rate: "1", source: NO_CONVERSION, quotedAt: new Date() };
  }
  if (!isFiatCurrency(price.currency)) {
    throw new InvalidRequestError(
      "currency_not_supported",
      `currency must be an ISO 4217 fiat code or the asset's own symbol (${asset.symbol} on ${chain.id})`,
      { param: "currency" },
    );
  }
  parseFiatPrice(price.amount, price.currency);
  const rate =
    asset.peggedTo === price.currency
      ? { rate: "1", source: PEGGED, quotedAt: new Date() }
      : await rates.getRate(asset.symbol, price.currency);
  const amountDue = convertFiatToAsset({
    price: price.amount,
    currency: price.currency,
    rate: rate.rate,
    assetDecimals: asset.decimals,
  });
  return { amountDue, rate: rate.rate, source: rate.source, quotedAt: rate.quotedAt };
}
