import { createLogger } from "@paygate/shared";
import type { Command } from "commander";
import { loadConfigOrExit } from "../context.ts";
import { shutdownSignal } from "../services/shutdown-signal.ts";
import { startWatcherService } from "../services/watcher-service.ts";

/** `paygate watcher`: the chain watcher alone (for compose and scaling), until SIGTERM or SIGINT. */
export function registerWatcher(program: Command): void {
  program
    .command("watcher")
    .description("watch the configured chains for payments until SIGTERM/SIGINT")
    .option("--chain <id...>", "only these chains (default: every enabled chain)")
    .action(async (options: { chain?: string[] }) => {
      const config = loadConfigOrExit();
      const logger = createLogger({ level: config.logLevel, name: "watcher", pretty: process.stdout.isTTY });
      const service = await startWatcherService(config, { logger, chains: options.chain });
      const outcome = await Promise.race([
        shutdownSignal(),
        // a chain that cannot go on safely (a reorg deeper than the window) ends the process: never silently
        service.watcher.done.then(
          () => "done" as const,
          (error: unknown) => error as Error,
        ),
      ]);
      if (outcome instanceof Error) {
        logger.fatal({ err: outcome.message }, "watcher stopped");
        await service.stop();
        process.exit(1);
      }
      logger.info({ signal: outcome }, "shutting down");
      await service.stop();
    });
}
