import { createLogger } from "@paygate/shared";
import type { Command } from "commander";
import { loadConfigOrExit } from "../context.ts";
import { shutdownSignal } from "../services/shutdown-signal.ts";

/** `paygate api`: the REST API alone (for compose and scaling), until SIGTERM or SIGINT. */
export function registerApi(program: Command): void {
  program
    .command("api")
    .description("run the REST API until SIGTERM/SIGINT")
    .action(async () => {
      const config = loadConfigOrExit();
      // loaded here, not at the top: the other commands start faster without the HTTP stack
      const { startApi } = await import("@paygate/api");
      const logger = createLogger({ level: config.logLevel, name: "api", pretty: process.stdout.isTTY });
      const api = await startApi(config, { logger });
      const signal = await shutdownSignal();
      logger.info({ signal }, "shutting down");
      await api.close();
    });
}
