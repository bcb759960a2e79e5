import type { Db, IntentStatus } from "@paygate/shared";
import { type Address, getAddress } from "viem";

export interface DepositAddress {
  address: Address;
  index: number;
  /** Why the address is held back (an intent that can still change), or null when it may be swept. */
  open: string | null;
}

/**
 * Whether an intent can still change (contract section 7): confirmed and canceled are terminal; expired and
 * underpaid stay watched until the monitoring window ends.
 */
export function intentIsSettled(status: IntentStatus, monitoringEndsAt: Date, now: Date): boolean {
  if (status === "confirmed" || status === "canceled") return true;
  if (status === "expired" || status === "underpaid") return monitoringEndsAt <= now;
  return false;
}

/** The merchant's active EVM wallet and the deposit addresses its intents on `chain` were given. */
export async function depositAddresses(
  db: Db,
  options: { merchantId: string; chain: string; now: Date },
): Promise<{ xpub: string; addresses: DepositAddress[] } | null> {
  const wallet = await db
    .selectFrom("wallets")
    .select(["id", "xpub"])
    .where("merchant_id", "=", options.merchantId)
    .where("family", "=", "evm")
    .where("retired_at", "is", null)
    .executeTakeFirst();
  if (!wallet) return null;
  const intents = await db
    .selectFrom("payment_intents")
    .select(["id", "address", "derivation_index", "status", "monitoring_ends_at"])
    .where("merchant_id", "=", options.merchantId)
    .where("chain", "=", options.chain)
    .where("wallet_id", "=", wallet.id)
    .orderBy("derivation_index")
    .execute();
  const byAddress = new Map<Address, DepositAddress>();
  for (const intent of intents) {
    const address = getAddress(intent.address);
    const entry = byAddress.get(address) ?? { address, index: intent.derivation_index, open: null };
    if (entry.open === null && !intentIsSettled(intent.status, intent.monitoring_ends_at, options.now)) {
      entry.open = `intent ${intent.id} is ${intent.status} and can still change (--include-open adds it)`;
    }
    byAddress.set(address, entry);
  }
  return { xpub: wallet.xpub, addresses: [...byAddress.values()] };
}
