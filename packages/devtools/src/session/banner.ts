import type { Config } from "@paygate/shared";
import type { DemoMerchant } from "../merchant/demo-merchant.ts";

export interface BannerFacts {
  config: Config;
  apiUrl: string;
  apiOpsUrl: string;
  rpcUrl: string;
  chainId: number;
  blockTime: number;
  watcherUrl: string;
  dispatcherUrl: string;
  receiverUrl: string;
  merchant: DemoMerchant;
  /** With `--bitcoin`: the simulated regtest chain (its RPC URL without credentials). */
  bitcoin?: { rpcUrl: string; blockTime: number };
}

/** What `paygate dev` prints on stdout once everything runs: the demo key and secret are its point. */
export function devBanner(facts: BannerFacts): string {
  const { apiUrl, merchant } = facts;
  const mining = facts.blockTime > 0 ? `a block every ${facts.blockTime} s` : "a block per transaction";
  const body = JSON.stringify({ amount: "10.00", currency: "USD", asset: "ETH", chain: "anvil" });
  return [
    "",
    "paygate dev is running",
    "",
    `  API             ${apiUrl}   (docs ${apiUrl}/docs, ${apiUrl}/healthz; ops ${facts.apiOpsUrl}/metrics)`,
    `  Anvil           ${facts.rpcUrl}   chain id ${facts.chainId}, ${mining}`,
    ...(facts.bitcoin
      ? [
          `  Bitcoin         ${facts.bitcoin.rpcUrl}   SIMULATED bitcoin-regtest (not a real node), ` +
            `a block ${facts.bitcoin.blockTime} s after a payment`,
        ]
      : []),
    `  Watcher         ${facts.watcherUrl}/metrics`,
    `  Dispatcher      ${facts.dispatcherUrl}/metrics`,
    `  Demo receiver   ${facts.receiverUrl}   (verifies every signature; see the logs)`,
    `  Database        ${new URL(facts.config.databaseUrl).pathname.slice(1)}`,
    "",
    `  Merchant        ${merchant.merchantId}`,
    `  API key         ${merchant.apiKey}`,
    `  Webhook secret  ${merchant.webhookSecret}`,
    "",
    "Create a payment intent:",
    "",
    `  curl -s -X POST ${apiUrl}/v1/payment-intents \\`,
    `    -H 'Authorization: Bearer ${merchant.apiKey}' \\`,
    "    -H 'Content-Type: application/json' \\",
    `    -d '${body}'`,
    "",
    "Pay it from a funded Anvil account (in full; --amount for a partial payment or an overpayment, --late to",
    "pay after its expiry):",
    "",
    `  ${facts.config.port === 3000 ? "" : `PORT=${facts.config.port} `}pnpm paygate pay <intent id> [--amount DECIMAL] [--late]`,
    "",
    ...(facts.bitcoin
      ? [
          'For Bitcoin, create it with "currency":"BTC","asset":"BTC","chain":"bitcoin-regtest": `pay`',
          "spends from the simulator's wallet; it shows pending from the mempool, confirmed at the next block.",
          "",
        ]
      : []),
    "Or run `pnpm demo` in another terminal: it creates an intent, pays it and prints the webhooks.",
    "Ctrl-C stops everything.",
    "",
    "",
  ].join("\n");
}
