import { type ApiKeyObject, createApiKey, listApiKeys, revokeApiKey } from "@paygate/shared";
import type { Command } from "commander";
import { withDatabase } from "../context.ts";
import { printRecord, printRecords } from "../output.ts";

function keyRecord(key: ApiKeyObject): Record<string, unknown> {
  return {
    id: key.id,
    merchant_id: key.merchant_id,
    last4: key.last4,
    created_at: key.created_at.toISOString(),
    last_used_at: key.last_used_at?.toISOString() ?? null,
    revoked_at: key.revoked_at?.toISOString() ?? null,
  };
}

export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("manage merchant API keys");

  keys
    .command("create")
    .description("create an API key for a merchant (shown once)")
    .requiredOption("--merchant <id>", "merchant id")
    .action(async (options: { merchant: string }, command: Command) => {
      const key = await withDatabase((db) => createApiKey(db, options.merchant));
      printRecord({ ...keyRecord(key), api_key: key.key }, command.optsWithGlobals());
      if (!command.optsWithGlobals().json)
        process.stderr.write("Store the API key now: it is not shown again.\n");
    });

  keys
    .command("list")
    .description("list a merchant's API keys (last four characters only)")
    .requiredOption("--merchant <id>", "merchant id")
    .action(async (options: { merchant: string }, command: Command) => {
      const rows = await withDatabase((db) => listApiKeys(db, options.merchant));
      printRecords(rows.map(keyRecord), command.optsWithGlobals());
    });

  keys
    .command("revoke")
    .description("revoke an API key at once")
    .argument("<id>", "API key id (key_...)")
    .action(async (id: string, _options: unknown, command: Command) => {
      const key = await withDatabase((db) => revokeApiKey(db, id));
      printRecord(keyRecord(key), command.optsWithGlobals());
    });
}
