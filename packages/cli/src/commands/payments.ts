import { listUncountedPayments } from "@paygate/shared";
import type { Command } from "commander";
import { withDatabase } from "../context.ts";
import { printRecords } from "../output.ts";
import { integerOption } from "./options.ts";

/**
 * `paygate payments list --uncounted`: transfers that changed nothing (to a canceled intent, or after the
 * monitoring window), newest first. Money arrived at the merchant's address; these need a person.
 */
export function registerPayments(program: Command): void {
  const payments = program.command("payments").description("inspect recorded payments");

  payments
    .command("list")
    .description("list payments that were recorded but not counted toward their intent, newest first")
    .requiredOption("--uncounted", "transfers to canceled intents or after the monitoring window")
    .option("--chain <id>", "only this chain's")
    .option("--merchant <id>", "only this merchant's")
    .option("--limit <n>", "at most this many (default 50)", integerOption, 50)
    .action(async (options: { chain?: string; merchant?: string; limit: number }, command: Command) => {
      const rows = await withDatabase((db, config) =>
        listUncountedPayments(db, config.chains, {
          chain: options.chain,
          merchantId: options.merchant,
          limit: options.limit,
        }),
      );
      printRecords(
        rows.map((row) => ({ ...row })),
        command.optsWithGlobals(),
      );
    });
}
