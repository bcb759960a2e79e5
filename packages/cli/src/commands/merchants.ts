import { createApiKey, createMerchant, listMerchants } from "@paygate/shared";
import type { Command } from "commander";
import { withDatabase } from "../context.ts";
import { printRecord, printRecords } from "../output.ts";
import { integerOption } from "./options.ts";

export function registerMerchants(program: Command): void {
  const merchants = program.command("merchants").description("manage merchants (tenants)");

  merchants
    .command("create")
    .description("create a merchant and its first API key (shown once)")
    .requiredOption("--name <name>", "display name")
    .option("--tolerance-bps <bps>", "underpayment tolerance in basis points (default 0)", integerOption)
    .option("--monitoring-window <seconds>", "watch expired intents this long (default 86400)", integerOption)
    .action(
      async (
        options: { name: string; toleranceBps?: number; monitoringWindow?: number },
        command: Command,
      ) => {
        const { merchant, key } = await withDatabase((db) =>
          db.transaction().execute(async (trx) => {
            const created = await createMerchant(trx, {
              name: options.name,
              underpaymentToleranceBps: options.toleranceBps,
              monitoringWindowS: options.monitoringWindow,
            });
            return { merchant: created, key: await createApiKey(trx, created.id) };
          }),
        );
        printRecord(
          {
            id: merchant.id,
            name: merchant.name,
            underpayment_tolerance_bps: merchant.underpayment_tolerance_bps,
            monitoring_window_s: merchant.monitoring_window_s,
            api_key_id: key.id,
            api_key: key.key,
          },
          command.optsWithGlobals(),
        );
        if (!command.optsWithGlobals().json)
          process.stderr.write("Store the API key now: it is not shown again.\n");
      },
    );

  merchants
    .command("list")
    .description("list merchants, newest first")
    .action(async (_options: unknown, command: Command) => {
      const rows = await withDatabase((db) => listMerchants(db));
      printRecords(
        rows.map((merchant) => ({
          id: merchant.id,
          name: merchant.name,
          underpayment_tolerance_bps: merchant.underpayment_tolerance_bps,
          monitoring_window_s: merchant.monitoring_window_s,
          created_at: merchant.created_at.toISOString(),
        })),
        command.optsWithGlobals(),
      );
    });
}
