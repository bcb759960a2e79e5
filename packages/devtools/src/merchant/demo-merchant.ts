import {
  type Config,
  createApiKey,
  createEndpoint,
  createMerchant,
  type Db,
  deleteEndpoint,
  setWallet,
  webhookUrlPolicy,
} from "@paygate/shared";
import { ANVIL_ACCOUNT_XPUB } from "@paygate/testkit/anvil";

export const DEMO_MERCHANT_NAME = "Demo shop (paygate dev)";
/** Marks the endpoints `paygate dev` registers for its own receiver, so a later run replaces only those. */
export const DEV_RECEIVER_DESCRIPTION = "paygate dev receiver";

/**
 * The demo merchant's Bitcoin wallet under `paygate dev --bitcoin`: the BIP84 testnet account m/84'/1'/0' of the
 * public "abandon abandon ... about" test mnemonic, as wallets export it (a vpub: P2WPKH, bcrt1q addresses on
 * regtest). Worthless outside a test chain.
 */
export const DEMO_BITCOIN_VPUB =
  "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";

export interface DemoMerchant {
  merchantId: string;
  apiKey: string;
  endpointId: string;
  webhookSecret: string;
}

/**
 * Idempotent: the demo merchant is the one whose EVM wallet is the Anvil account xpub (so an operator who set that
 * wallet by hand keeps their merchant), else the one named `DEMO_MERCHANT_NAME`, else a new one; with `bitcoin`,
 * its Bitcoin wallet is `DEMO_BITCOIN_VPUB`. Each run adds a
 * fresh API key (keys are stored hashed; the old ones cannot be shown again, and stay valid) and replaces the
 * previous run's receiver endpoint with one for this run's receiver.
 */
export async function seedDemoMerchant(
  db: Db,
  config: Config,
  receiverUrl: string,
  options: { bitcoin: boolean },
): Promise<DemoMerchant> {
  const merchantId = await findDemoMerchant(db);
  await setWallet(db, { merchantId, family: "evm", xpub: ANVIL_ACCOUNT_XPUB });
  if (options.bitcoin) await setWallet(db, { merchantId, family: "bitcoin", xpub: DEMO_BITCOIN_VPUB });
  const key = await createApiKey(db, merchantId);
  const previous = await db
    .selectFrom("webhook_endpoints")
    .select("id")
    .where("merchant_id", "=", merchantId)
    .where("description", "=", DEV_RECEIVER_DESCRIPTION)
    .where("deleted_at", "is", null)
    .execute();
  for (const endpoint of previous) await deleteEndpoint(db, merchantId, endpoint.id);
  const endpoint = await createEndpoint(
    db,
    merchantId,
    { url: receiverUrl, events: ["*"], description: DEV_RECEIVER_DESCRIPTION },
    webhookUrlPolicy(config),
  );
  return { merchantId, apiKey: key.key, endpointId: endpoint.id, webhookSecret: endpoint.secret };
}

async function findDemoMerchant(db: Db): Promise<string> {
  const owner = await db
    .selectFrom("wallets")
    .select("merchant_id")
    .where("xpub", "=", ANVIL_ACCOUNT_XPUB)
    .where("retired_at", "is", null)
    .orderBy("created_at")
    .executeTakeFirst();
  if (owner) return owner.merchant_id;
  const named = await db
    .selectFrom("merchants")
    .select("id")
    .where("name", "=", DEMO_MERCHANT_NAME)
    .orderBy("created_at")
    .executeTakeFirst();
  return named?.id ?? (await createMerchant(db, { name: DEMO_MERCHANT_NAME })).id;
}

/**
 * Every `paygate dev` starts new chains (Anvil, the Bitcoin simulator), so the watcher's checkpoint and block
 * hashes from an earlier run describe blocks that no longer exist; kept, they would read as a reorg deeper than
 * the window.
 */
export async function forgetDevChain(db: Db, chain: string): Promise<void> {
  await db.deleteFrom("chain_blocks").where("chain", "=", chain).execute();
  await db.deleteFrom("chain_cursors").where("chain", "=", chain).execute();
}
