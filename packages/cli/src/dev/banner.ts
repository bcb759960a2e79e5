import type { Config } from "@paygate/shared";
import type { DemoMerchant } from "./demo-merchant.ts";

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
    "Pay its address from any Anvil account (the mnemonic is Anvil's default), or run `pnpm demo` in another",
    "terminal: it creates an intent, pays it and prints the webhooks. Ctrl-C stops everything.",
    "",
    "",
  ].join("\n");
}
