export { formatAmount, MAX_DECIMALS, parseAmount } from "./amount.ts";
export { type FiatCurrency, type FiatPrice, fiatCurrencies, isFiatCurrency, parseFiatPrice } from "./fiat.ts";
export { convertFiatToAsset, type FiatConversion, parseRate, type Rate } from "./quote.ts";
