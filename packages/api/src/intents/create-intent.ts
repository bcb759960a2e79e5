import {
  type Chain,
  type Db,
  deriveDepositAddress,
  type IntentObject,
  InvalidRequestError,
  newId,
  presentIntent,
  requiredConfirmationsFor,
  reserveDerivationIndex,
  walletNetworkFor,
} from "@paygate/shared";
import { sql } from "kysely";
import { quotePrice } from "../quotes/quote.ts";
import type { RateProvider } from "../rates/index.ts";
import type { CreateIntentBody } from "../schemas/intents.ts";
import { offeredAsset } from "./offered-asset.ts";

export interface CreateIntentContext {
  db: Db;
  chains: ReadonlyMap<string, Chain>;
  rates: RateProvider;
  publicUrl: string;
  now?: () => Date;
}

/**
 * Creates a payment intent: checks the chain and asset, quotes the price (before any write: no rate, nothing
 * written), reserves the wallet's next derivation index, derives the address and stores the intent.
 *
 * The reservation is a single `update ... returning` on the wallet row committed on its own, so concurrent
 * requests never share an index and hold the row lock only for that statement: a transaction around derivation
 * and insert kept every intent of a merchant waiting on the previous one's commit (about 250 intents/s here). The
 * price: an index whose intent could not be stored (the database failing between the two statements) is skipped,
 * never reused; a wallet's gap limit must allow for that, as it must for unpaid intents anyway.
 */
export async function createIntent(
  context: CreateIntentContext,
  merchantId: string,
  request: CreateIntentBody,
): Promise<IntentObject> {
  const { chain, asset } = offeredAsset(context.chains, request.chain, request.asset);
  const threshold = requiredConfirmationsFor(chain, asset);
  if (request.confirmations !== undefined && request.confirmations < threshold) {
    throw new InvalidRequestError(
      "confirmations_too_low",
      `confirmations may only raise ${chain.id}'s threshold for ${asset.symbol} (${threshold})`,
      { param: "confirmations" },
    );
  }
  const quote = await quotePrice(context.rates, chain, asset, {
    amount: request.amount,
    currency: request.currency,
  });
  const now = context.now?.() ?? new Date();
  const expiresAt = new Date(now.getTime() + request.expires_in * 1000);

  const reserved = await reserveDerivationIndex(
    context.db,
    merchantId,
    chain.family,
    walletNetworkFor(chain),
  );
  if (!reserved) {
    throw new InvalidRequestError(
      "wallet_missing",
      `No ${chain.family} wallet for ${walletNetworkFor(chain)} is set for this merchant; an operator sets one with 'paygate wallets set'`,
      { param: "chain" },
    );
  }
  const intent = await context.db
    .insertInto("payment_intents")
    .values({
      id: newId("pi"),
      merchant_id: merchantId,
      status: "awaiting_payment",
      chain: chain.id,
      asset: asset.symbol,
      address: deriveDepositAddress(reserved.wallet, chain, reserved.index),
      wallet_id: reserved.wallet.id,
      derivation_index: reserved.index,
      amount_due: quote.amountDue,
      required_confirmations: Math.max(threshold, request.confirmations ?? threshold),
      // the merchant's settings as of this statement, read inside it rather than by a round trip of its own
      underpayment_tolerance_bps: (eb) =>
        eb.selectFrom("merchants").select("underpayment_tolerance_bps").where("id", "=", merchantId),
      price_amount: request.amount,
      price_currency: request.currency,
      quote_rate: quote.rate,
      quote_source: quote.source,
      quoted_at: quote.quotedAt,
      order_id: request.order_id ?? null,
      metadata: JSON.stringify(request.metadata ?? {}),
      expires_at: expiresAt,
      monitoring_ends_at: sql<Date>`${expiresAt}::timestamptz + make_interval(secs => (select monitoring_window_s from merchants where id = ${merchantId}))`,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  // a new intent has no payments, so no confirmation count needs the chain's tip
  return presentIntent(intent, [], {
    chain,
    tip: { head: null, finalized: null },
    publicUrl: context.publicUrl,
  });
}
