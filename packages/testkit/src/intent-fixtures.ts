import { type Db, newId, type PaymentIntentRow } from "@paygate/shared";

export const ONE_ETH = 10n ** 18n;

/**
 * A merchant with an EVM wallet row, and a way to insert awaiting_payment intents for 1 ETH on anvil straight
 * into the database, each with its own address: for tests of the write path below the API (reconcile, the
 * scanner's effects), which need intents without deriving addresses.
 */
export interface IntentFixtures {
  merchantId: string;
  insertIntent(options?: {
    expiresAt?: Date;
    requiredConfirmations?: number;
    createdAt?: Date;
  }): Promise<PaymentIntentRow>;
}

export async function intentFixtures(db: Db): Promise<IntentFixtures> {
  const merchantId = newId("mer");
  const walletId = newId("wal");
  await db.insertInto("merchants").values({ id: merchantId, name: "Test shop" }).execute();
  await db
    .insertInto("wallets")
    .values({
      id: walletId,
      merchant_id: merchantId,
      family: "evm",
      network: "testnet",
      script_type: "evm",
      xpub: "xpub-test",
    })
    .execute();
  let nextIndex = 0;
  return {
    merchantId,
    insertIntent(options = {}) {
      const index = nextIndex++;
      const createdAt = options.createdAt ?? new Date(Date.now() - 60_000);
      const expiresAt = options.expiresAt ?? new Date(createdAt.getTime() + 900_000);
      return db
        .insertInto("payment_intents")
        .values({
          id: newId("pi"),
          merchant_id: merchantId,
          status: "awaiting_payment",
          chain: "anvil",
          asset: "ETH",
          address: `0x${(index + 1).toString(16).padStart(40, "0")}`,
          wallet_id: walletId,
          derivation_index: index,
          amount_due: ONE_ETH,
          required_confirmations: options.requiredConfirmations ?? 2,
          underpayment_tolerance_bps: 0,
          price_amount: "1",
          price_currency: "ETH",
          quote_rate: "1",
          quote_source: "fixed",
          quoted_at: createdAt,
          metadata: "{}",
          expires_at: expiresAt,
          monitoring_ends_at: new Date(expiresAt.getTime() + 86_400_000),
          created_at: createdAt,
          updated_at: createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}
