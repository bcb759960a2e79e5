import { type Kysely, sql } from "kysely";

/**
 * Ids no longer sort in creation order within a millisecond (they carry fresh randomness), so merchant lists
 * order by `created_at desc, id desc`: these indexes serve that order and its cursor.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index payment_intents_merchant_created on payment_intents (merchant_id, created_at desc, id desc);
    create index payment_intents_merchant_status_created
      on payment_intents (merchant_id, status, created_at desc, id desc);
    drop index payment_intents_merchant;
    drop index payment_intents_merchant_status;
    create index events_merchant_created on events (merchant_id, created_at desc, id desc);
    create index events_intent_created on events (intent_id, created_at desc, id desc);
    drop index events_merchant;
    drop index events_intent;
    create index webhook_endpoints_merchant_created on webhook_endpoints (merchant_id, created_at desc, id desc)
      where deleted_at is null;
    drop index webhook_endpoints_merchant;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index payment_intents_merchant on payment_intents (merchant_id, id desc);
    create index payment_intents_merchant_status on payment_intents (merchant_id, status, id desc);
    create index events_merchant on events (merchant_id, id desc);
    create index events_intent on events (intent_id, id desc);
    create index webhook_endpoints_merchant on webhook_endpoints (merchant_id, id desc) where deleted_at is null;
    drop index payment_intents_merchant_created, payment_intents_merchant_status_created, events_merchant_created,
      events_intent_created, webhook_endpoints_merchant_created;
  `.execute(db);
}
