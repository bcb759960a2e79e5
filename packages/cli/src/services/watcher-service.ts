import {
  type Config,
  connectDatabase,
  databaseCheck,
  type Logger,
  type OpsServer,
  startOpsServer,
  withProcessMetrics,
} from "@paygate/shared";
import { startWatcher, type Watcher, watcherRegistry } from "@paygate/watcher";

export interface WatcherService {
  watcher: Watcher;
  ops: OpsServer;
  stop(): Promise<void>;
}

/** The watcher with its health and metrics server on `WATCHER_PORT`. */
export async function startWatcherService(
  config: Config,
  options: { logger: Logger; chains?: string[] },
): Promise<WatcherService> {
  const db = connectDatabase(config.databaseUrl, { max: 10, applicationName: "paygate-watcher" });
  let watcher: Watcher | undefined;
  try {
    watcher = await startWatcher(config, { logger: options.logger, db, chains: options.chains });
    const ops = await startOpsServer({
      port: config.opsPorts.watcher,
      host: config.opsHost,
      registry: withProcessMetrics(watcherRegistry(watcher.metrics)),
      checks: { database: databaseCheck(db) },
      logger: options.logger,
      service: "watcher",
    });
    const running = watcher;
    return {
      watcher: running,
      ops,
      async stop() {
        await ops.close();
        await running.stop();
        await db.destroy();
      },
    };
  } catch (error) {
    await watcher?.stop();
    await db.destroy();
    throw error;
  }
}
