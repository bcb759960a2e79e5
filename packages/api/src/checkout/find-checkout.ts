import {
  type Asset,
  type Chain,
  findAsset,
  type IntentObject,
  presentIntent,
  readSnapshot,
} from "@paygate/shared";
import { chainTips, type IntentReadContext } from "../intents/read-intents.ts";

/** What the checkout page knows about one intent: the intent as merchants see it, and who is asking to be paid. */
export interface Checkout {
  intent: IntentObject;
  merchantName: string;
  chain: Chain;
  asset: Asset;
}

/** Intent ids are `pi_` and a ULID; anything else is answered as missing without a query. */
const intentIdPattern = /^pi_[0-9A-HJKMNP-TV-Z]{26}$/;

/** Any merchant's intent by id: the page is public, the unguessable id is the only key (like Stripe's links). */
export async function findCheckout(context: IntentReadContext, id: string): Promise<Checkout | undefined> {
  if (!intentIdPattern.test(id)) return undefined;
  return readSnapshot(context.db, async (db) => {
    const row = await db
      .selectFrom("payment_intents")
      .innerJoin("merchants", "merchants.id", "payment_intents.merchant_id")
      .selectAll("payment_intents")
      .select("merchants.name as merchant_name")
      .where("payment_intents.id", "=", id)
      .executeTakeFirst();
    if (!row) return undefined;
    const { merchant_name: merchantName, ...intent } = row;
    const chain = context.chains.get(intent.chain);
    const asset = chain && findAsset(chain, intent.asset);
    if (!chain || !asset)
      throw new Error(`intent ${id}: ${intent.asset} on ${intent.chain} is not configured`);
    const payments = await db.selectFrom("payments").selectAll().where("intent_id", "=", id).execute();
    const tips = await chainTips(db, [intent.chain]);
    return {
      intent: presentIntent(intent, payments, {
        chain,
        tip: tips.get(intent.chain) ?? { head: null, finalized: null },
        publicUrl: context.publicUrl,
      }),
      merchantName,
      chain,
      asset,
    };
  });
}
