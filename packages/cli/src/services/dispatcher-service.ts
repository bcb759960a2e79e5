import { createDeliveryMetrics, type Dispatcher, startDispatcher } from "@paygate/dispatcher";
import {
  type Config,
  connectDatabase,
  databaseCheck,
  type Logger,
  type OpsServer,
  startOpsServer,
  withProcessMetrics,
} from "@paygate/shared";
import { Redis } from "ioredis";

export interface DispatcherService {
  ops: OpsServer;
  stop(): Promise<void>;
}

/** The dispatcher with its health and metrics server on `DISPATCHER_PORT`. */
export async function startDispatcherService(
  config: Config,
  options: { logger: Logger },
): Promise<DispatcherService> {
  const db = connectDatabase(config.databaseUrl, { max: 10, applicationName: "paygate-dispatcher" });
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const metrics = createDeliveryMetrics();
  let dispatcher: Dispatcher | undefined;
  try {
    dispatcher = await startDispatcher(config, { logger: options.logger, db, redis, metrics });
    const ops = await startOpsServer({
      port: config.opsPorts.dispatcher,
      host: config.opsHost,
      registry: withProcessMetrics(metrics.registry),
      checks: { database: databaseCheck(db), redis: () => redis.ping() },
      logger: options.logger,
      service: "dispatcher",
    });
    const running = dispatcher;
    return {
      ops,
      async stop() {
        await ops.close();
        await running.stop();
        await redis.quit();
        await db.destroy();
      },
    };
  } catch (error) {
    await dispatcher?.stop();
    redis.disconnect();
    await db.destroy();
    throw error;
  }
}
