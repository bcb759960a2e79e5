import { type Kysely, sql } from "kysely";

/**
 * The whole record. Amounts are numeric(78,0) base units (uint256 fits), never floats. Every unique constraint
 * below exists because a duplicate would mean money counted twice or an event sent twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table merchants (
      id text primary key,
      name text not null check (length(name) between 1 and 200),
      underpayment_tolerance_bps integer not null default 0 check (underpayment_tolerance_bps between 0 and 9999),
      monitoring_window_s integer not null default 86400 check (monitoring_window_s between 0 and 2592000),
      created_at timestamptz not null default now()
    );

    create table api_keys (
      id text primary key,
      merchant_id text not null references merchants (id),
      key_hash bytea not null unique,
      last4 text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index api_keys_merchant on api_keys (merchant_id);

    create table wallets (
      id text primary key,
      merchant_id text not null references merchants (id),
      family text not null check (family in ('evm', 'bitcoin')),
      network text not null check (network in ('mainnet', 'testnet')),
      script_type text not null check (script_type in ('evm', 'p2pkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2tr')),
      xpub text not null,
      next_index integer not null default 0 check (next_index between 0 and 2147483647),
      created_at timestamptz not null default now(),
      retired_at timestamptz,
      -- one key, one merchant: two merchants sharing an xpub would be handed the same addresses
      unique (xpub, script_type)
    );
    create unique index wallets_one_active on wallets (merchant_id, family, network) where retired_at is null;

    create table payment_intents (
      id text primary key,
      merchant_id text not null references merchants (id),
      status text not null check (status in
        ('awaiting_payment', 'pending', 'confirmed', 'underpaid', 'expired', 'canceled')),
      chain text not null,
      asset text not null,
      address text not null,
      wallet_id text not null references wallets (id),
      derivation_index integer not null,
      amount_due numeric(78, 0) not null check (amount_due > 0),
      amount_received numeric(78, 0) not null default 0 check (amount_received >= 0),
      amount_confirmed numeric(78, 0) not null default 0 check (amount_confirmed >= 0),
      overpaid_amount numeric(78, 0) check (overpaid_amount > 0),
      late boolean not null default false,
      required_confirmations integer not null check (required_confirmations >= 1),
      underpayment_tolerance_bps integer not null,
      price_amount text not null,
      price_currency text not null,
      quote_rate text not null,
      quote_source text not null,
      quoted_at timestamptz not null,
      order_id text,
      metadata jsonb not null default '{}',
      expires_at timestamptz not null,
      monitoring_ends_at timestamptz not null,
      confirmed_at timestamptz,
      canceled_at timestamptz,
      event_sequence integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (chain, address),
      unique (wallet_id, derivation_index)
    );
    create index payment_intents_merchant on payment_intents (merchant_id, id desc);
    create index payment_intents_merchant_status on payment_intents (merchant_id, status, id desc);
    create index payment_intents_order on payment_intents (merchant_id, order_id) where order_id is not null;
    create index payment_intents_expiring on payment_intents (expires_at)
      where status in ('awaiting_payment', 'pending');

    create table payments (
      id text primary key,
      intent_id text not null references payment_intents (id),
      chain text not null,
      address text not null,
      tx_hash text not null,
      output_index integer not null check (output_index >= 0),
      amount numeric(78, 0) not null check (amount > 0),
      block_number bigint,
      block_hash text,
      block_timestamp timestamptz,
      -- when the payment happened for the on-time rule: first seen (Bitcoin mempool) or mined (block time)
      paid_at timestamptz not null,
      seen_at timestamptz not null default now(),
      rbf boolean not null default false,
      -- observed fact: the transfer left the chain (reorg, replacement, dropped from the mempool)
      vanished boolean not null default false,
      -- decided by the state machine
      status text not null check (status in ('pending', 'confirmed', 'reverted')),
      counted boolean not null,
      revision integer not null default 0,
      updated_at timestamptz not null default now(),
      unique (chain, tx_hash, output_index, address)
    );
    create index payments_intent on payments (intent_id);
    create index payments_unconfirmed on payments (chain) where status = 'pending';
    create index payments_block on payments (chain, block_number) where block_number is not null;
    create index payments_uncounted on payments (seen_at desc) where not counted;

    create table intent_transitions (
      id bigserial primary key,
      intent_id text not null references payment_intents (id),
      from_status text,
      to_status text not null,
      reason text not null,
      cause text not null,
      at timestamptz not null default now()
    );
    create index intent_transitions_intent on intent_transitions (intent_id, id);

    -- the audit trail is append-only
    create function forbid_audit_change() returns trigger language plpgsql as $$
      begin raise exception 'intent_transitions is append-only'; end $$;
    create trigger intent_transitions_append_only before update or delete on intent_transitions
      for each row execute function forbid_audit_change();

    create table events (
      id text primary key,
      merchant_id text not null references merchants (id),
      intent_id text references payment_intents (id),
      payment_id text references payments (id),
      type text not null,
      sequence integer,
      dedupe_key text not null unique,
      body text not null,
      created_at timestamptz not null default now(),
      relayed_at timestamptz
    );
    create index events_merchant on events (merchant_id, id desc);
    create index events_intent on events (intent_id, id desc);
    create index events_unrelayed on events (id) where relayed_at is null;

    create table webhook_endpoints (
      id text primary key,
      merchant_id text not null references merchants (id),
      url text not null,
      description text,
      event_types text[] not null default '{*}',
      enabled boolean not null default true,
      disabled_reason text,
      failing_since timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    );
    create index webhook_endpoints_merchant on webhook_endpoints (merchant_id, id desc) where deleted_at is null;

    create table webhook_secrets (
      id text primary key,
      endpoint_id text not null references webhook_endpoints (id),
      secret text not null,
      created_at timestamptz not null default now(),
      -- null while current; set to rotation time + 24 h when replaced
      expires_at timestamptz
    );
    create index webhook_secrets_endpoint on webhook_secrets (endpoint_id, created_at desc);

    create table deliveries (
      id text primary key,
      event_id text not null references events (id),
      endpoint_id text not null references webhook_endpoints (id),
      status text not null check (status in ('pending', 'succeeded', 'failed')),
      manual boolean not null default false,
      attempt_count integer not null default 0,
      next_attempt_at timestamptz,
      last_attempt_at timestamptz,
      completed_at timestamptz,
      created_at timestamptz not null default now()
    );
    -- fan-out is idempotent: one automatic delivery per event and endpoint
    create unique index deliveries_automatic on deliveries (event_id, endpoint_id) where not manual;
    create index deliveries_due on deliveries (next_attempt_at) where status = 'pending';
    create index deliveries_failed on deliveries (completed_at desc) where status = 'failed';
    create index deliveries_endpoint on deliveries (endpoint_id, status);

    create table delivery_attempts (
      id text primary key,
      delivery_id text not null references deliveries (id),
      attempt integer not null,
      status_code integer,
      error text,
      response_body text,
      duration_ms integer not null,
      started_at timestamptz not null,
      unique (delivery_id, attempt)
    );

    create table chain_cursors (
      chain text primary key,
      -- last block whose effects are committed
      scanned_number bigint not null,
      finalized_number bigint,
      updated_at timestamptz not null default now()
    );

    create table chain_blocks (
      chain text not null,
      number bigint not null,
      hash text not null,
      parent_hash text not null,
      timestamp timestamptz not null,
      primary key (chain, number)
    );

    create table idempotency_keys (
      merchant_id text not null references merchants (id),
      key text not null,
      request_hash text not null,
      response_status integer,
      response_body jsonb,
      created_at timestamptz not null default now(),
      primary key (merchant_id, key)
    );
    create index idempotency_keys_created on idempotency_keys (created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table idempotency_keys, chain_blocks, chain_cursors, delivery_attempts, deliveries, webhook_secrets,
      webhook_endpoints, events, intent_transitions, payments, payment_intents, wallets, api_keys, merchants;
    drop function forbid_audit_change;
  `.execute(db);
}
