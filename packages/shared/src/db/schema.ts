import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** numeric(78,0) and bigint columns come back as bigint (see `connect.ts`); writes accept bigint. */
type BaseUnits = ColumnType<bigint, bigint, bigint>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type IntentStatus =
  | "awaiting_payment"
  | "pending"
  | "confirmed"
  | "underpaid"
  | "expired"
  | "canceled";
export type PaymentStatus = "pending" | "confirmed" | "reverted";
export type DeliveryStatus = "pending" | "succeeded" | "failed";
export type ScriptType = "evm" | "p2pkh" | "p2sh-p2wpkh" | "p2wpkh" | "p2tr";

export interface MerchantsTable {
  id: string;
  name: string;
  underpayment_tolerance_bps: Generated<number>;
  monitoring_window_s: Generated<number>;
  created_at: Generated<Date>;
}

export interface ApiKeysTable {
  id: string;
  merchant_id: string;
  key_hash: Buffer;
  last4: string;
  created_at: Generated<Date>;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface WalletsTable {
  id: string;
  merchant_id: string;
  family: "evm" | "bitcoin";
  network: "mainnet" | "testnet";
  script_type: ScriptType;
  xpub: string;
  next_index: Generated<number>;
  created_at: Generated<Date>;
  retired_at: NullableTimestamp;
}

export interface PaymentIntentsTable {
  id: string;
  merchant_id: string;
  status: IntentStatus;
  chain: string;
  asset: string;
  address: string;
  wallet_id: string;
  derivation_index: number;
  amount_due: BaseUnits;
  amount_received: ColumnType<bigint, bigint | undefined, bigint>;
  amount_confirmed: ColumnType<bigint, bigint | undefined, bigint>;
  overpaid_amount: ColumnType<bigint | null, bigint | null | undefined, bigint | null>;
  late: Generated<boolean>;
  required_confirmations: number;
  underpayment_tolerance_bps: number;
  price_amount: string;
  price_currency: string;
  quote_rate: string;
  quote_source: string;
  quoted_at: Timestamp;
  order_id: string | null;
  metadata: ColumnType<Record<string, string>, string, string>;
  expires_at: Timestamp;
  monitoring_ends_at: Timestamp;
  confirmed_at: NullableTimestamp;
  canceled_at: NullableTimestamp;
  event_sequence: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PaymentsTable {
  id: string;
  intent_id: string;
  chain: string;
  address: string;
  tx_hash: string;
  output_index: number;
  amount: BaseUnits;
  block_number: ColumnType<bigint | null, bigint | null | undefined, bigint | null>;
  block_hash: string | null;
  block_timestamp: NullableTimestamp;
  paid_at: Timestamp;
  seen_at: Generated<Date>;
  rbf: Generated<boolean>;
  vanished: Generated<boolean>;
  status: PaymentStatus;
  counted: boolean;
  revision: Generated<number>;
  updated_at: Generated<Date>;
}

export interface IntentTransitionsTable {
  id: Generated<bigint>;
  intent_id: string;
  from_status: IntentStatus | null;
  to_status: IntentStatus;
  reason: string;
  cause: string;
  at: Generated<Date>;
}

export interface EventsTable {
  id: string;
  merchant_id: string;
  intent_id: string | null;
  payment_id: string | null;
  type: string;
  sequence: number | null;
  dedupe_key: string;
  body: string;
  created_at: Generated<Date>;
  relayed_at: NullableTimestamp;
}

export interface WebhookEndpointsTable {
  id: string;
  merchant_id: string;
  url: string;
  description: string | null;
  event_types: ColumnType<string[], string[] | undefined, string[]>;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  failing_since: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: NullableTimestamp;
}

export interface WebhookSecretsTable {
  id: string;
  endpoint_id: string;
  secret: string;
  created_at: Generated<Date>;
  expires_at: NullableTimestamp;
}

export interface DeliveriesTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: DeliveryStatus;
  manual: Generated<boolean>;
  attempt_count: Generated<number>;
  next_attempt_at: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface DeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
  duration_ms: number;
  started_at: Timestamp;
}

export interface ChainCursorsTable {
  chain: string;
  scanned_number: bigint;
  finalized_number: bigint | null;
  updated_at: Generated<Date>;
}

export interface ChainBlocksTable {
  chain: string;
  number: bigint;
  hash: string;
  parent_hash: string;
  timestamp: Timestamp;
}

export interface IdempotencyKeysTable {
  merchant_id: string;
  key: string;
  request_hash: string;
  response_status: number | null;
  response_body: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Generated<Date>;
}

export interface SweepsTable {
  id: string;
  merchant_id: string;
  chain: string;
  method: "eip7702" | "topup";
  treasury: string;
  plan_block: BaseUnits;
  bundle_key: string;
  tx_hashes: ColumnType<string[], string, string>;
  /** Per address, per asset symbol: base units moved, as a decimal string. */
  moved: ColumnType<Record<string, Record<string, string>>, string, string>;
  status: "sent" | "incomplete";
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface Database {
  merchants: MerchantsTable;
  api_keys: ApiKeysTable;
  wallets: WalletsTable;
  payment_intents: PaymentIntentsTable;
  payments: PaymentsTable;
  intent_transitions: IntentTransitionsTable;
  events: EventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_secrets: WebhookSecretsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  chain_cursors: ChainCursorsTable;
  chain_blocks: ChainBlocksTable;
  idempotency_keys: IdempotencyKeysTable;
  sweeps: SweepsTable;
}

export type Merchant = Selectable<MerchantsTable>;
export type Wallet = Selectable<WalletsTable>;
export type PaymentIntentRow = Selectable<PaymentIntentsTable>;
export type PaymentRow = Selectable<PaymentsTable>;
export type NewPayment = Insertable<PaymentsTable>;
export type PaymentIntentUpdate = Updateable<PaymentIntentsTable>;
export type EventRow = Selectable<EventsTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type SweepRow = Selectable<SweepsTable>;
