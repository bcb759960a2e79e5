import { Command } from "commander";
import { registerApi } from "./commands/api.ts";
import { registerDeliveries } from "./commands/deliveries.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerDev } from "./commands/dev.ts";
import { registerDispatcher } from "./commands/dispatcher.ts";
import { registerEvents } from "./commands/events.ts";
import { registerKeys } from "./commands/keys.ts";
import { registerMerchants } from "./commands/merchants.ts";
import { registerMigrate } from "./commands/migrate.ts";
import { registerPay } from "./commands/pay.ts";
import { registerPayments } from "./commands/payments.ts";
import { registerRescan } from "./commands/rescan.ts";
import { registerSweep } from "./commands/sweep.ts";
import { registerWallets } from "./commands/wallets.ts";
import { registerWatcher } from "./commands/watcher.ts";

/** `paygate`: the operator's command. Each command group registers itself from its own module. */
const program = new Command("paygate")
  .description("self-hosted crypto payment gateway")
  .option("--json", "machine-readable output")
  .showHelpAfterError();

registerDev(program);
registerDemo(program);
registerPay(program);
registerMigrate(program);
registerMerchants(program);
registerKeys(program);
registerWallets(program);
registerApi(program);
registerDispatcher(program);
registerDeliveries(program);
registerPayments(program);
registerEvents(program);
registerWatcher(program);
registerRescan(program);
registerSweep(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`paygate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
