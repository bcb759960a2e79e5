import { migrateToLatest } from "@paygate/shared";
import type { Command } from "commander";
import { withDatabase } from "../context.ts";

export function registerMigrate(program: Command): void {
  program
    .command("migrate")
    .description("apply pending database migrations")
    .action(async () => {
      const applied = await withDatabase((db) => migrateToLatest(db));
      process.stdout.write(
        applied.length === 0 ? "database is up to date\n" : `applied: ${applied.join(", ")}\n`,
      );
    });
}
