import { type IntentObject, setWallet } from "@paygate/shared";
import { type Gateway, startGateway, until } from "@paygate/testkit";
import type { WatcherOptions } from "@paygate/watcher";
import { parseUnits } from "viem";
import { type BitcoinSim, startBitcoinSim } from "../bitcoin-sim/index.ts";

/**
 * The whole gateway (testkit's `startGateway`) against the Bitcoin regtest simulator, on one backend (Bitcoin Core JSON-RPC
 * or Esplora), the watcher scanning bitcoin-regtest only, and a merchant whose Bitcoin wallet is the BIP84
 * testnet account of the "abandon ... about" mnemonic (P2WPKH, bcrt1q addresses on regtest).
 */
export type BitcoinBackendKind = "node" | "esplora";
export const BITCOIN_BACKENDS: readonly BitcoinBackendKind[] = ["node", "esplora"];

export const CHAIN = "bitcoin-regtest";
/** BIP84 account m/84'/1'/0' of "abandon ... about", as wallets export it (a vpub). */
export const TEST_VPUB =
  "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";

export interface BitcoinStackOptions {
  backend: BitcoinBackendKind;
  merchant?: { toleranceBps?: number; monitoringWindowS?: number };
  /** Extra fields of the bitcoin-regtest chain file entry (snake_case). */
  chain?: Record<string, unknown>;
  /** More chain file entries (offered by the API; the watcher scans bitcoin-regtest only). */
  otherChains?: Record<string, Record<string, unknown>>;
  /** The backend URL the gateway uses (default the simulator's own; S14 may put something in between). */
  backendUrl?: (sim: BitcoinSim) => string;
  /** `false`: start without a watcher. */
  watcher?: Partial<WatcherOptions> | false;
}

export interface BitcoinStack extends Gateway {
  sim: BitcoinSim;
  /** POST /v1/payment-intents for BTC on bitcoin-regtest; expects 201. */
  createIntent(body: { amount: string } & Record<string, unknown>): Promise<IntentObject>;
  /** Pays `amount` BTC (a decimal string) from the simulator's wallet; returns the txid (in the mempool). */
  pay(to: string, amount: string, options?: { rbf?: boolean }): string;
  /** Mines blocks with the whole mempool; returns the new tip height. */
  mine(blocks?: number): bigint;
  /** Waits until the intent shows a payment from `txid` (in whatever state). */
  waitForPayment(intentId: string, txid: string): Promise<IntentObject>;
}

export function backendUrlOf(sim: BitcoinSim, backend: BitcoinBackendKind): string {
  if (backend === "esplora") return sim.esplora.url;
  const url = new URL(sim.rpc.url);
  url.username = sim.rpc.user;
  url.password = sim.rpc.password;
  return url.toString();
}

export async function startBitcoinStack(options: BitcoinStackOptions): Promise<BitcoinStack> {
  const sim = await startBitcoinSim();
  const url = options.backendUrl?.(sim) ?? backendUrlOf(sim, options.backend);
  const gateway = await startGateway({
    chain: CHAIN,
    chainFile: {
      [CHAIN]: { poll_interval_ms: 100, bitcoin_backend: { kind: options.backend, url }, ...options.chain },
      ...options.otherChains,
    },
    env: { RATES_FIXED: "BTC:USD=60000" },
    merchant: { ...options.merchant, evmXpub: null },
    watcher: options.watcher,
    head: async () => BigInt(sim.tipHeight()),
    stopChain: () => sim.close(),
  });
  await setWallet(gateway.db, {
    merchantId: gateway.merchant.merchantId,
    family: "bitcoin",
    xpub: TEST_VPUB,
  });

  // the gateway object itself, so its `watcher` getter stays live
  const stack: BitcoinStack = Object.assign(gateway, {
    sim,

    async createIntent(body: { amount: string } & Record<string, unknown>) {
      const created = await gateway.request("POST", "/v1/payment-intents", {
        body: { currency: "BTC", asset: "BTC", chain: CHAIN, ...body },
      });
      if (created.status !== 201)
        throw new Error(`intent creation failed (${created.status}): ${created.text}`);
      return created.body as IntentObject;
    },

    pay(to: string, amount: string, payOptions: { rbf?: boolean } = {}) {
      return sim.send({ to, amountSats: parseUnits(amount, 8), rbf: payOptions.rbf });
    },

    mine(blocks = 1) {
      sim.mine(blocks);
      return BigInt(sim.tipHeight());
    },

    waitForPayment(intentId: string, txid: string) {
      return until(
        async () => {
          const intent = await gateway.intent(intentId);
          return intent.payments.some((payment) => payment.tx_hash === txid) ? intent : undefined;
        },
        { timeoutMs: 15_000, message: `${intentId} to show a payment from ${txid}` },
      );
    },
  });
  return stack;
}
