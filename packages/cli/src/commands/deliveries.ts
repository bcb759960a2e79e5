import { listDeliveries } from "@paygate/shared";
import type { Command } from "commander";
import { withDatabase } from "../context.ts";
import { printRecords } from "../output.ts";
import { integerOption } from "./options.ts";

/**
 * `paygate deliveries list [--failed]`: webhook deliveries across merchants, newest first. `state` says which
 * failing ones are still retrying (and when next) and which are dead letters.
 */
export function registerDeliveries(program: Command): void {
  const deliveries = program.command("deliveries").description("inspect webhook deliveries");

  deliveries
    .command("list")
    .description("list webhook deliveries, newest first")
    .option(
      "--failed",
      "only deliveries that have failed: dead letters and those still retrying (see the state column)",
    )
    .option("--merchant <id>", "only this merchant's")
    .option("--limit <n>", "at most this many (default 50)", integerOption, 50)
    .action(async (options: { failed?: boolean; merchant?: string; limit: number }, command: Command) => {
      const rows = await withDatabase((db) =>
        listDeliveries(db, {
          failing: options.failed,
          merchantId: options.merchant,
          limit: options.limit,
        }),
      );
      const json = command.optsWithGlobals().json;
      printRecords(
        json
          ? rows.map((row) => ({ ...row }))
          : rows.map((row) => ({
              id: row.id,
              event: row.event,
              type: row.event_type,
              endpoint: row.endpoint,
              url: row.url,
              state: row.state,
              attempts: row.attempts,
              last_result: row.last_status_code ?? row.last_error,
              last_attempt_at: row.last_attempt_at,
              next_attempt_at: row.next_attempt_at,
            })),
        command.optsWithGlobals(),
      );
    });
}
