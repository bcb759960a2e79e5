import { type Kysely, sql } from "kysely";

/**
 * Sweeps sent by `paygate sweep send`: one row per bundle (keyed by the hash of its first transaction, so
 * sending the same bundle again updates the row instead of adding one). What moved is kept as base units per
 * address and asset, as the command printed it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sweeps (
      id text primary key,
      merchant_id text not null references merchants (id),
      chain text not null,
      method text not null check (method in ('eip7702', 'topup')),
      treasury text not null,
      plan_block numeric(78,0) not null,
      bundle_key text not null unique,
      tx_hashes jsonb not null,
      moved jsonb not null,
      status text not null check (status in ('sent', 'incomplete')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index sweeps_merchant on sweeps (merchant_id, created_at, id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table sweeps`.execute(db);
}
