import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Db } from "../../packages/shared/src/index.ts";

const run = promisify(execFile);

/** Runs SQL through psql (the root package has no driver of its own; bulk inserts are plain SQL anyway). */
async function psql(databaseUrl: string, statement: string): Promise<void> {
  await run("psql", [databaseUrl, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", statement]);
}

/**
 * Intents `from..to` (numbering only) for the merchant's EVM wallet on anvil, written in one statement, with
 * random addresses no transfer will ever reach: the watched set grows, the chain stays empty of matches.
 */
export async function insertUnpaidIntents(
  databaseUrl: string,
  wallet: { merchantId: string; walletId: string },
  from: number,
  to: number,
): Promise<void> {
  if (to < from) return;
  // ids are "pi_" + a ULID-style time part spread over the day before: creation times like a real day of
  // traffic, so the watcher's per-poll re-read of the newest minute of ids holds a minute's worth, not all
  const span = 86_400_000;
  const base = Date.now() - 2 * span;
  const step = Math.max(1, Math.floor(span / Math.max(1, to)));
  await psql(
    databaseUrl,
    `insert into payment_intents (id, merchant_id, status, chain, asset, address, wallet_id, derivation_index,
       amount_due, required_confirmations, underpayment_tolerance_bps, price_amount, price_currency, quote_rate,
       quote_source, quoted_at, expires_at, monitoring_ends_at)
     select 'pi_' || (select string_agg(substr('${CROCKFORD}', ((t >> (5 * k)) & 31)::int + 1, 1), '' order by k desc)
         from generate_series(0, 9) as k) || lpad(i::text, 16, '0'), '${wallet.merchantId}', 'awaiting_payment', 'anvil', 'ETH',
       '0x' || substr(md5(i::text), 1, 20) || substr(md5('a' || i::text), 1, 20), '${wallet.walletId}',
       100000000 + i, 1000, 2, 0, '1', 'ETH', '1', 'fixed', now(), now() + interval '1 day',
       now() + interval '2 days'
     from generate_series(${from}, ${to}) as i, lateral (select (${base}::bigint + i * ${step}) as t) as created`,
  );
}

/** ULID time characters (Crockford base32). */
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export async function walletOf(
  db: Db,
  merchantId: string,
): Promise<{ merchantId: string; walletId: string }> {
  const wallet = await db
    .selectFrom("wallets")
    .select("id")
    .where("merchant_id", "=", merchantId)
    .executeTakeFirstOrThrow();
  return { merchantId, walletId: wallet.id };
}

export async function scannedNumber(db: Db): Promise<bigint | undefined> {
  const cursor = await db
    .selectFrom("chain_cursors")
    .select("scanned_number")
    .where("chain", "=", "anvil")
    .executeTakeFirst();
  return cursor?.scanned_number;
}
