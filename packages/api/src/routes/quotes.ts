import { formatAmount, isChainEnabled, requiredConfirmationsFor } from "@paygate/shared";
import { defineRoute } from "../http/route.ts";
import { offeredAsset } from "../intents/offered-asset.ts";
import { quotePrice } from "../quotes/quote.ts";
import { listOf } from "../schemas/common.ts";
import { assetObjectSchema, quoteObjectSchema, quoteQuery } from "../schemas/intents.ts";

export const quoteRoutes = [
  defineRoute({
    method: "get",
    path: "/v1/quotes",
    operationId: "getQuote",
    summary: "Get an indicative quote",
    description: "What an intent created now would ask the payer to send. No address is assigned.",
    tag: "Quotes",
    query: quoteQuery,
    success: { status: 200, description: "The quote", schema: quoteObjectSchema },
    async handle({ deps, query }) {
      const { chain, asset } = offeredAsset(deps.chains, query.chain, query.asset);
      const quote = await quotePrice(deps.rates, chain, asset, {
        amount: query.amount,
        currency: query.currency,
      });
      return {
        object: "quote" as const,
        chain: chain.id,
        asset: asset.symbol,
        amount: formatAmount(quote.amountDue, asset.decimals),
        price: { amount: query.amount, currency: query.currency },
        rate: quote.rate,
        source: quote.source,
        quoted_at: quote.quotedAt.toISOString(),
      };
    },
  }),
  defineRoute({
    method: "get",
    path: "/v1/assets",
    operationId: "listAssets",
    summary: "List the chains and assets this gateway accepts",
    tag: "Quotes",
    success: {
      status: 200,
      description: "Every offered (chain, asset)",
      schema: listOf(assetObjectSchema, "AssetList"),
    },
    async handle({ deps }) {
      const data = [...deps.chains.values()].filter(isChainEnabled).flatMap((chain) =>
        chain.assets.map((asset) => ({
          chain: chain.id,
          asset: asset.symbol,
          type: asset.type,
          decimals: asset.decimals,
          ...(asset.contract ? { contract: asset.contract } : {}),
          required_confirmations: requiredConfirmationsFor(chain, asset),
        })),
      );
      return { object: "list" as const, data, has_more: false };
    },
  }),
];
