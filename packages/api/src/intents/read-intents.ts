import {
  afterCursor,
  type Chain,
  type ChainTip,
  type Db,
  type IntentObject,
  NotFoundError,
  type Page,
  type PageRequest,
  type PaymentIntentRow,
  type PaymentRow,
  presentIntent,
  readSnapshot,
  toPage,
} from "@paygate/shared";

export interface IntentReadContext {
  db: Db;
  chains: ReadonlyMap<string, Chain>;
  publicUrl: string;
}

export interface IntentFilter {
  status?: PaymentIntentRow["status"];
  orderId?: string;
}

/** One of the merchant's intents; another merchant's id is "no such intent" (404), never a hint it exists. */
export async function getIntent(
  context: IntentReadContext,
  merchantId: string,
  id: string,
): Promise<IntentObject> {
  return readSnapshot(context.db, async (db) => {
    const intent = await db
      .selectFrom("payment_intents")
      .selectAll()
      .where("id", "=", id)
      .where("merchant_id", "=", merchantId)
      .executeTakeFirst();
    if (!intent) throw new NotFoundError("payment_intent", id);
    const [presented] = await presentIntents({ ...context, db }, [intent]);
    return presented!;
  });
}

export async function listIntents(
  context: IntentReadContext,
  merchantId: string,
  filter: IntentFilter,
  page: PageRequest,
): Promise<Page<IntentObject>> {
  return readSnapshot(context.db, async (db) => {
    let query = db.selectFrom("payment_intents").selectAll().where("merchant_id", "=", merchantId);
    if (filter.status) query = query.where("status", "=", filter.status);
    if (filter.orderId !== undefined) query = query.where("order_id", "=", filter.orderId);
    if (page.startingAfter) {
      query = query.where(afterCursor("payment_intents", merchantId, page.startingAfter));
    }
    const rows = await query
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(page.limit + 1)
      .execute();
    const presented = await presentIntents({ ...context, db }, rows.slice(0, page.limit));
    const byId = new Map(presented.map((intent) => [intent.id, intent]));
    return toPage(rows, page, (row) => byId.get(row.id)!);
  });
}

/** Presents intents with their payments and each chain's committed tip, in two queries for the whole page. */
async function presentIntents(
  context: IntentReadContext,
  intents: readonly PaymentIntentRow[],
): Promise<IntentObject[]> {
  if (intents.length === 0) return [];
  const payments = await context.db
    .selectFrom("payments")
    .selectAll()
    .where(
      "intent_id",
      "in",
      intents.map((intent) => intent.id),
    )
    .execute();
  const tips = await chainTips(
    context.db,
    intents.map((intent) => intent.chain),
  );
  const paymentsOf = new Map<string, PaymentRow[]>();
  for (const payment of payments) {
    paymentsOf.set(payment.intent_id, [...(paymentsOf.get(payment.intent_id) ?? []), payment]);
  }
  return intents.map((intent) => {
    const chain = context.chains.get(intent.chain);
    if (!chain) throw new Error(`intent ${intent.id} is on unconfigured chain ${intent.chain}`);
    return presentIntent(intent, paymentsOf.get(intent.id) ?? [], {
      chain,
      tip: tips.get(intent.chain) ?? { head: null, finalized: null },
      publicUrl: context.publicUrl,
    });
  });
}

export async function chainTips(db: Db, chainIds: readonly string[]): Promise<Map<string, ChainTip>> {
  const unique = [...new Set(chainIds)];
  if (unique.length === 0) return new Map();
  const cursors = await db
    .selectFrom("chain_cursors")
    .select(["chain", "scanned_number", "finalized_number"])
    .where("chain", "in", unique)
    .execute();
  return new Map(
    cursors.map((cursor) => [
      cursor.chain,
      { head: cursor.scanned_number, finalized: cursor.finalized_number },
    ]),
  );
}
