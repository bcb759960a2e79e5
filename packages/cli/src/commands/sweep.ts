import { readFileSync, writeFileSync } from "node:fs";
import { createRateProvider } from "@paygate/api";
import { type Chain, type Config, connectDatabase, formatAmount as formatBaseUnits } from "@paygate/shared";
import {
  createPlan,
  DEPLOYMENT_PROXY,
  DEPLOYMENT_PROXY_PRESIGNED,
  listSweeps,
  parseBundle,
  recordSweep,
  type SweepMethod,
  type SweepPlan,
  sendBundle,
} from "@paygate/sweep";
import { keyFileAccount, merchantKeys, parsePlan, readSecretFile, signBundle } from "@paygate/sweep/sign";
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  type Address,
  createPublicClient,
  fallback,
  getAddress,
  http,
  isAddress,
  type PublicClient,
} from "viem";
import { loadConfigOrExit, withDatabase } from "../context.ts";
import { printRecords } from "../output.ts";

function addressOption(value: string): Address {
  if (!isAddress(value)) throw new InvalidArgumentError("expected a 0x-prefixed 20-byte address");
  return getAddress(value);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function evmChain(config: Config, id: string): Chain {
  const chain = config.chains.find((candidate) => candidate.id === id);
  if (chain?.family !== "evm") throw new InvalidArgumentError(`no EVM chain '${id}' is configured`);
  return chain;
}

function rpcClient(urls: string[]): PublicClient {
  if (urls.length === 0) throw new InvalidArgumentError("no RPC URL: set RPC_URL_<CHAIN> or pass --rpc-url");
  return createPublicClient({ transport: fallback(urls.map((url) => http(url, { batch: true }))) });
}

/** Fiat per whole unit for each swept asset, for `--min`: pegged stablecoins at 1, the rest from the provider. */
async function ratesFor(config: Config, chain: Chain, fiat: string): Promise<Record<string, string>> {
  const provider = config.rates.provider ? createRateProvider(config) : undefined;
  const rates: Record<string, string> = {};
  for (const asset of chain.assets) {
    if (asset.peggedTo === fiat) rates[asset.symbol] = "1";
    else if (provider) rates[asset.symbol] = (await provider.getRate(asset.symbol, fiat)).rate;
    else throw new InvalidArgumentError(`--min needs RATES_PROVIDER to price ${asset.symbol}`);
  }
  return rates;
}

function planRows(plan: SweepPlan): Record<string, unknown>[] {
  const units = (symbol: string, value: string) => {
    const asset = plan.assets.find((candidate) => candidate.symbol === symbol);
    return asset ? formatBaseUnits(BigInt(value), asset.decimals) : value;
  };
  return [
    ...plan.addresses.map((entry) => ({
      address: entry.address,
      path: entry.path,
      nonce: entry.nonce,
      delegated: entry.delegated_to ?? "-",
      balances: Object.entries(entry.balances)
        .map(([symbol, value]) => `${units(symbol, value)} ${symbol}`)
        .join(", "),
      action: "sweep",
    })),
    ...plan.skipped.map((entry) => ({
      address: entry.address,
      path: `m/44'/60'/0'/0/${entry.index}`,
      nonce: "-",
      delegated: "-",
      balances: "-",
      action: `skip: ${entry.reason}`,
    })),
  ];
}

function planSummary(plan: SweepPlan): string[] {
  const lines = [
    `chain ${plan.chain.id} (chain id ${plan.chain.chain_id}) at block ${plan.block_number}, method ${plan.method}`,
    `treasury ${plan.treasury}; sponsor ${plan.sponsor.address} (nonce ${plan.sponsor.nonce}, balance ${formatBaseUnits(BigInt(plan.sponsor.balance), 18)})`,
    `${plan.addresses.length} address(es) to sweep, ${plan.skipped.length} skipped; ${plan.transactions.length} transaction(s), gas <= ${plan.estimate.gas}, fee <= ${formatBaseUnits(BigInt(plan.estimate.max_fee), 18)} at ${plan.fees.max_fee_per_gas} wei/gas`,
  ];
  if (plan.sweeper) {
    lines.push(
      `Sweeper ${plan.sweeper.address}: ${plan.sweeper.deployed ? "deployed" : "deployed by the first transaction"}`,
    );
    if (!plan.sweeper.deployed && !plan.sweeper.deployment_proxy_present) {
      lines.push(
        `WARNING: the deterministic deployment proxy ${DEPLOYMENT_PROXY} is missing on this chain. Send 0.01 of the`,
        "native coin to 0x3fab184622dc19b6109349b94811493bf2a45362, broadcast this presigned transaction, then plan again:",
        DEPLOYMENT_PROXY_PRESIGNED,
      );
    }
  }
  if (!plan.estimate.sponsor_can_pay)
    lines.push("WARNING: the sponsor's balance cannot pay the estimated fee");
  return lines;
}

export function registerSweep(program: Command): void {
  const sweep = program
    .command("sweep")
    .description("collect deposit addresses' funds into a treasury, without the gateway holding a key");

  sweep
    .command("plan")
    .description("gateway side (database + RPC, no key): what to sweep, read at one block")
    .requiredOption("--merchant <id>", "merchant id")
    .requiredOption("--chain <id>", "EVM chain id, e.g. base")
    .requiredOption("--to <address>", "treasury address", addressOption)
    .requiredOption("--sponsor <address>", "address that pays the gas", addressOption)
    .option("--asset <symbol>", "sweep this asset only (repeatable)", collect)
    .option("--min <amount>", "skip addresses worth less than this (fiat)")
    .option("--min-currency <code>", "fiat currency of --min", "USD")
    .addOption(new Option("--method <method>", "override the chain's method").choices(["eip7702", "topup"]))
    .option("--include-open", "also plan addresses whose intents can still change")
    .option("--rpc-url <url>", "RPC endpoint (default: the chain's)", collect)
    .option("--out <file>", "plan file", "sweep-plan.json")
    .action(
      async (
        options: {
          merchant: string;
          chain: string;
          to: Address;
          sponsor: Address;
          asset?: string[];
          min?: string;
          minCurrency: string;
          method?: SweepMethod;
          includeOpen?: boolean;
          rpcUrl?: string[];
          out: string;
        },
        command: Command,
      ) => {
        if (options.min !== undefined && !/^\d+(\.\d+)?$/.test(options.min)) {
          throw new InvalidArgumentError("--min expects a decimal amount, e.g. 5 or 0.50");
        }
        const plan = await withDatabase(async (db, config) => {
          const chain = evmChain(config, options.chain);
          const min = options.min
            ? { amount: options.min, rates: await ratesFor(config, chain, options.minCurrency) }
            : undefined;
          return createPlan(db, rpcClient(options.rpcUrl ?? chain.rpcUrls), {
            merchantId: options.merchant,
            chain,
            treasury: options.to,
            sponsor: options.sponsor,
            assets: options.asset,
            method: options.method,
            includeOpen: options.includeOpen,
            min,
          });
        });
        writeFileSync(options.out, `${JSON.stringify(plan, null, 2)}\n`);
        if (command.optsWithGlobals().json) {
          process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
          return;
        }
        printRecords(planRows(plan), {});
        process.stdout.write(`\n${planSummary(plan).join("\n")}\nplan written to ${options.out}\n`);
      },
    );

  sweep
    .command("sign <plan>")
    .description(
      "merchant side (offline: no database, no network): check the plan against your keys and sign it",
    )
    .requiredOption("--mnemonic-file <file>", "BIP39 mnemonic (mode 600)")
    .option("--passphrase-file <file>", "BIP39 passphrase (mode 600)")
    .option("--sponsor-path <path>", "sponsor key path under the mnemonic", "m/44'/60'/1'/0/0")
    .option("--sponsor-key-file <file>", "sponsor private key, hex (mode 600), instead of --sponsor-path")
    .option("--out <file>", "bundle file", "sweep-bundle.json")
    .action(
      async (
        planFile: string,
        options: {
          mnemonicFile: string;
          passphraseFile?: string;
          sponsorPath: string;
          sponsorKeyFile?: string;
          out: string;
        },
      ) => {
        const plan = parsePlan(readFileSync(planFile, "utf8"));
        const keys = merchantKeys(
          readSecretFile(options.mnemonicFile, "mnemonic"),
          options.passphraseFile ? readSecretFile(options.passphraseFile, "passphrase") : "",
        );
        const sponsor = options.sponsorKeyFile
          ? keyFileAccount(readSecretFile(options.sponsorKeyFile, "sponsor key"))
          : undefined;
        const bundle = await signBundle(plan, { keys, sponsor, sponsorPath: options.sponsorPath });
        writeFileSync(options.out, `${JSON.stringify(bundle, null, 2)}\n`, { mode: 0o644 });
        // the plan's gas limits and fee caps are signed as they are: say what they allow the sponsor to spend
        process.stdout.write(
          [
            `signed ${bundle.transactions.length} transaction(s) for ${plan.addresses.length} address(es) on ${plan.chain.id} (chain id ${plan.chain.chain_id}) to treasury ${plan.treasury}`,
            `fees at most ${formatBaseUnits(BigInt(plan.estimate.max_fee), 18)} (gas ${plan.estimate.gas} at ${plan.fees.max_fee_per_gas} wei/gas)`,
            `bundle written to ${options.out}`,
            "",
          ].join("\n"),
        );
      },
    );

  sweep
    .command("send <bundle>")
    .description("broadcast a signed bundle, wait for confirmations, verify balances (safe to run again)")
    .option("--rpc-url <url>", "RPC endpoint (default: the chain's)", collect)
    .action(async (bundleFile: string, options: { rpcUrl?: string[] }, command: Command) => {
      const bundle = parseBundle(readFileSync(bundleFile, "utf8"));
      const config = loadConfigOrExit();
      const chain = config.chains.find((candidate) => candidate.id === bundle.plan.chain.id);
      const client = rpcClient(options.rpcUrl ?? chain?.rpcUrls ?? []);
      const result = await sendBundle(client, bundle, {
        onTransaction: (hash, outcome) => process.stderr.write(`${hash} ${outcome}\n`),
      });
      // the gateway's database is optional here: send may run on any machine with RPC
      if (process.env.DATABASE_URL) {
        const db = connectDatabase(config.databaseUrl, { max: 1, applicationName: "paygate-cli" });
        try {
          await recordSweep(db, bundle, result);
        } finally {
          await db.destroy();
        }
      }
      const decimals = (symbol: string) =>
        bundle.plan.assets.find((asset) => asset.symbol === symbol)?.decimals ?? 0;
      printRecords(
        result.balances.map((row) => ({
          address: row.address,
          asset: row.asset,
          before: formatBaseUnits(row.before, decimals(row.asset)),
          moved: formatBaseUnits(row.moved, decimals(row.asset)),
          left: formatBaseUnits(row.after, decimals(row.asset)),
        })),
        command.optsWithGlobals(),
      );
      if (!result.complete) {
        process.stderr.write(
          "some transactions lost their nonce to other transactions: plan and sign again\n",
        );
        process.exitCode = 1;
      }
    });

  sweep
    .command("list")
    .description("sweeps recorded by `sweep send`")
    .requiredOption("--merchant <id>", "merchant id")
    .action(async (options: { merchant: string }, command: Command) => {
      const rows = await withDatabase((db) => listSweeps(db, options.merchant));
      printRecords(
        rows.map((row) => ({
          id: row.id,
          chain: row.chain,
          method: row.method,
          treasury: row.treasury,
          addresses: Object.keys(row.moved).length,
          transactions: row.tx_hashes.length,
          status: row.status,
          created_at: row.created_at.toISOString(),
        })),
        command.optsWithGlobals(),
      );
    });
}
