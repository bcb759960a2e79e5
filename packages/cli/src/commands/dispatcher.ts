import { createLogger } from "@paygate/shared";
import type { Command } from "commander";
import { loadConfigOrExit } from "../context.ts";
import { startDispatcherService } from "../services/dispatcher-service.ts";
import { shutdownSignal } from "../services/shutdown-signal.ts";

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
      const service = await startDispatcherService(config, { logger });
      const signal = await shutdownSignal();
      logger.info({ signal }, "shutting down: finishing in-flight deliveries");
      await service.stop();
    });
}
