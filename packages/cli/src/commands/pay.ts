import type { Command } from "commander";
import { loadConfigOrExit } from "../context.ts";
import { loadDevtools } from "../devtools.ts";
import { printRecord } from "../output.ts";

/** `pay` reads the intent as its merchant, so it needs the merchant's key from somewhere. */
export class MissingApiKeyError extends Error {
  override name = "MissingApiKeyError";
  readonly code = "api_key_missing";
  constructor(port: number) {
    super(
      "no API key: pass --api-key or set PAYGATE_API_KEY (no running `paygate dev` on port " +
        `${port} to take it from)`,
    );
  }
}

interface PayOptions {
  amount?: string;
  late: boolean;
  apiKey?: string;
  apiUrl?: string;
  rpcUrl?: string;
}

/**
 * `paygate pay <intent>`: the customer's side on a dev chain. Pays an intent from a funded Anvil account (ETH or
 * its ERC-20 token) or, under `paygate dev --bitcoin`, from the Bitcoin simulator's wallet. It reads the intent
 * over the REST API as its merchant; the running `paygate dev` on PORT supplies the key and URLs unless given.
 */
export function registerPay(program: Command): void {
  program
    .command("pay")
    .description(
      "dev chains only: pay a payment intent from a funded Anvil account (or the Bitcoin simulator)",
    )
    .argument("<intent_id>", "the payment intent (pi_...)")
    .option("--amount <decimal>", "amount in the intent's asset (default: what is still due)")
    .option("--late", "move Anvil's clock past the intent's expiry first, so the payment is late", false)
    .option(
      "--api-key <key>",
      "the merchant's API key (default PAYGATE_API_KEY, else the running `paygate dev`'s)",
    )
    .option("--api-url <url>", "the API (default the running `paygate dev`'s, else http://127.0.0.1:PORT)")
    .option("--rpc-url <url>", "Anvil's JSON-RPC (default the running `paygate dev`'s, else RPC_URL_ANVIL)")
    .action(async (intentId: string, options: PayOptions, command: Command) => {
      const { devSessionPath, payIntent, readDevSession } = await loadDevtools("pay");
      const config = loadConfigOrExit({ PAYGATE_ENV: "development", ...process.env });
      const session = await readDevSession(devSessionPath(config.port));
      const apiKey = options.apiKey ?? process.env.PAYGATE_API_KEY ?? session?.apiKey;
      if (!apiKey) throw new MissingApiKeyError(config.port);
      const anvil = config.chains.find((chain) => chain.id === "anvil");
      const sent = await payIntent({
        intentId,
        amount: options.amount,
        late: options.late,
        apiKey,
        apiUrl: options.apiUrl ?? session?.apiUrl ?? `http://127.0.0.1:${config.port}`,
        rpcUrl: options.rpcUrl ?? session?.rpcUrl ?? anvil?.rpcUrls[0] ?? "http://127.0.0.1:8545",
        bitcoinSimulator: session?.bitcoinSimulator,
      });
      printRecord(
        {
          intent: sent.intent,
          chain: sent.chain,
          asset: sent.asset,
          amount: sent.amount,
          from: sent.from,
          to: sent.to,
          tx_hash: sent.txHash,
          block: sent.block === null ? "(mempool: confirms at the next block)" : sent.block.toString(),
          // with --late: the chain's clock when it paid, past the intent's expiry
          ...(sent.chainTime ? { chain_time: sent.chainTime } : {}),
        },
        command.optsWithGlobals(),
      );
    });
}
