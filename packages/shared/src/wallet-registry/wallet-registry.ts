import type { Chain, ChainFamily } from "../chains/index.ts";
import type { Db } from "../db/connect.ts";
import type { ScriptType, Wallet } from "../db/schema.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { newId } from "../ids.ts";
import { deriveBitcoinAddress, deriveEvmAddress, parseWalletKey, type WalletKey } from "../wallets/index.ts";

/**
 * A merchant's wallets: one active extended public key per (family, network). Deposit addresses are `0/i` under
 * it, `i` from the wallet's `next_index` counter, which only ever grows: no index is handed out twice.
 */
export type WalletNetwork = Wallet["network"];

/** EVM chains share one address space (mainnet key); Bitcoin testnets, signet and regtest use a testnet key. */
export function walletNetworkFor(chain: Chain): WalletNetwork {
  if (chain.family === "evm") return "mainnet";
  return chain.bitcoinNetwork === "bitcoin" ? "mainnet" : "testnet";
}

export interface SetWalletInput {
  merchantId: string;
  family: ChainFamily;
  xpub: string;
  /** Bitcoin only: overrides what the SLIP-132 prefix implies (`p2tr` needs it: BIP86 has no prefix). */
  scriptType?: ScriptType;
}

/**
 * Makes the key the merchant's active wallet for its family and network, retiring the previous one (its
 * intents keep their addresses). Setting a key the merchant had before reactivates that wallet with its
 * counter, so addresses already handed out are never handed out again; a key another merchant uses is refused.
 */
export async function setWallet(db: Db, input: SetWalletInput): Promise<Wallet> {
  const key = parseWalletKey(input.xpub, input.family, input.scriptType);
  return db.transaction().execute(async (trx) => {
    const merchant = await trx
      .selectFrom("merchants")
      .select("id")
      .where("id", "=", input.merchantId)
      .forUpdate()
      .executeTakeFirst();
    if (!merchant) throw new NotFoundError("merchant", input.merchantId);
    const existing = await trx
      .selectFrom("wallets")
      .selectAll()
      .where("xpub", "=", key.xpub)
      .where("script_type", "=", key.scriptType)
      .executeTakeFirst();
    if (existing && existing.merchant_id !== input.merchantId) {
      throw new ConflictError(
        "wallet_in_use",
        "This extended public key belongs to another merchant's wallet",
      );
    }
    if (existing && existing.retired_at === null) return existing;
    await trx
      .updateTable("wallets")
      .set({ retired_at: new Date() })
      .where("merchant_id", "=", input.merchantId)
      .where("family", "=", key.family)
      .where("network", "=", key.network)
      .where("retired_at", "is", null)
      .execute();
    if (existing) {
      return trx
        .updateTable("wallets")
        .set({ retired_at: null })
        .where("id", "=", existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    return trx
      .insertInto("wallets")
      .values({
        id: newId("wal"),
        merchant_id: input.merchantId,
        family: key.family,
        network: key.network,
        script_type: key.scriptType,
        xpub: key.xpub,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function listWallets(db: Db, merchantId: string): Promise<Wallet[]> {
  return db
    .selectFrom("wallets")
    .selectAll()
    .where("merchant_id", "=", merchantId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

/**
 * Takes the next derivation index of the merchant's active wallet (call inside the transaction that uses it:
 * a rollback returns the index). Undefined when the merchant has no such wallet.
 */
export async function reserveDerivationIndex(
  db: Db,
  merchantId: string,
  family: ChainFamily,
  network: WalletNetwork,
): Promise<{ wallet: Wallet; index: number } | undefined> {
  const wallet = await db
    .updateTable("wallets")
    .set((eb) => ({ next_index: eb("next_index", "+", 1) }))
    .where("merchant_id", "=", merchantId)
    .where("family", "=", family)
    .where("network", "=", network)
    .where("retired_at", "is", null)
    .returningAll()
    .executeTakeFirst();
  return wallet ? { wallet, index: wallet.next_index - 1 } : undefined;
}

/** The address at `0/index` under the wallet, encoded for the chain (regtest and testnet differ for Bitcoin). */
export function deriveDepositAddress(
  wallet: Pick<Wallet, "family" | "network" | "xpub" | "script_type">,
  chain: Chain,
  index: number,
): string {
  const key = walletKeyOf(wallet);
  if (chain.family === "evm") return deriveEvmAddress(key, index);
  return deriveBitcoinAddress(key, index, chain.bitcoinNetwork ?? "bitcoin");
}

/** A stored wallet was checked by `parseWalletKey` when it was set; its columns are that key, normalised. */
export function walletKeyOf(wallet: Pick<Wallet, "family" | "network" | "xpub" | "script_type">): WalletKey {
  return {
    family: wallet.family,
    network: wallet.network,
    scriptType: wallet.script_type,
    xpub: wallet.xpub,
    original: wallet.xpub,
  };
}
