import { Command } from "commander";
import { registerMigrate } from "./commands/migrate.ts";

/** `paygate`: the operator's command. Each command group registers itself from its own module. */
const program = new Command("paygate")
  .description("self-hosted crypto payment gateway")
  .option("--json", "machine-readable output")
  .showHelpAfterError();

registerMigrate(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`paygate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
