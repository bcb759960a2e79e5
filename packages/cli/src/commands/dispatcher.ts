import { startDispatcher } from "@paygate/dispatcher";
import { createLogger } from "@paygate/shared";
import type { Command } from "commander";
import { loadConfigOrExit } from "../context.ts";

/** `paygate dispatcher`: the webhook dispatcher alone (for compose and scaling), until SIGTERM or SIGINT. */
export function registerDispatcher(program: Command): void {
  program
    .command("dispatcher")
    .description("deliver webhooks until SIGTERM/SIGINT")
    .action(async () => {
      const config = loadConfigOrExit();
      const logger = createLogger({
        level: config.logLevel,
        name: "dispatcher",
        pretty: process.stdout.isTTY,
      });
      const dispatcher = await startDispatcher(config, { logger });
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once("SIGTERM", resolve);
        process.once("SIGINT", resolve);
      });
      logger.info({ signal }, "shutting down: finishing in-flight deliveries");
      await dispatcher.stop();
    });
}
