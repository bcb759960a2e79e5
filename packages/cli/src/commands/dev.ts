import { type RunningApi, startApi } from "@paygate/api";
import { type Config, connectDatabase, createLogger, type Db, migrateToLatest } from "@paygate/shared";
import type { Command } from "commander";
import { loadConfigOrExit } from "../context.ts";
import { BackingServiceError, ensureDatabase, ensureRedis } from "../dev/backing-services.ts";
import { devBanner } from "../dev/banner.ts";
import { startDemoReceiver } from "../dev/demo-receiver.ts";
import { devSessionPath, removeDevSession, writeDevSession } from "../dev/dev-session.ts";
import { PortInUseError } from "../dev/port-in-use-error.ts";
import { startDispatcherService } from "../services/dispatcher-service.ts";
import { shutdownSignal } from "../services/shutdown-signal.ts";
import { startWatcherService } from "../services/watcher-service.ts";
import { integerOption } from "./options.ts";

interface DevOptions {
  anvilPort: number;
  receiverPort: number;
  blockTime: number;
}

const ANVIL_CHAIN_ID = 31337;

/**
 * `paygate dev`: the whole gateway on one machine against a fresh Anvil chain, until Ctrl-C or SIGTERM. Whatever
 * started is stopped in reverse order, on shutdown and when a later step fails.
 */
export function registerDev(program: Command): void {
  program
    .command("dev")
    .description("run Anvil, the API, the watcher and the dispatcher with a demo merchant, until Ctrl-C")
    .option("--anvil-port <port>", "Anvil's port (the anvil chain's RPC URL follows it)", integerOption, 8545)
    .option("--receiver-port <port>", "the demo webhook receiver's port", integerOption, 3004)
    .option(
      "--block-time <seconds>",
      "seconds between Anvil blocks; 0 mines a block per transaction",
      integerOption,
      2,
    )
    .action(async (options: DevOptions) => {
      const rpcUrl = `http://127.0.0.1:${options.anvilPort}`;
      // dev's own chain wins over any RPC_URL_ANVIL; a quote in USD works without a rates provider
      const config = loadConfigOrExit({
        PAYGATE_ENV: "development",
        ...process.env,
        RPC_URL_ANVIL: rpcUrl,
        RATES_FIXED: process.env.RATES_FIXED || "ETH:USD=3000,BTC:USD=60000",
      });
      if (config.env === "production") {
        process.stderr.write(
          "paygate dev: refuses PAYGATE_ENV=production (it registers a plain-http receiver)\n",
        );
        process.exit(2);
      }
      const logger = createLogger({ level: config.logLevel, pretty: true });
      const stops: (() => Promise<void>)[] = [];
      const stopAll = async () => {
        for (const stop of stops.reverse()) {
          await stop().catch((error: unknown) => logger.error({ err: error }, "shutdown step failed"));
        }
      };
      let done: Promise<unknown> | undefined;
      try {
        // Anvil and the demo merchant come from dev-only packages, which a production install leaves out: loaded
        // here so every other command still starts there.
        const { startDevAnvil } = await import("../dev/dev-anvil.ts");
        const { forgetDevChain, seedDemoMerchant } = await import("../dev/demo-merchant.ts");
        const { created } = await ensureDatabase(config.databaseUrl);
        if (created) logger.info("created the database");
        await ensureRedis(config.redisUrl);
        const anvil = await startDevAnvil({
          port: options.anvilPort,
          blockTime: options.blockTime,
          chainId: ANVIL_CHAIN_ID,
        });
        stops.push(() => anvil.stop());
        logger.info({ rpcUrl, blockTime: options.blockTime }, "anvil started");

        const db: Db = connectDatabase(config.databaseUrl, { max: 2, applicationName: "paygate-dev" });
        stops.push(() => db.destroy());
        const applied = await migrateToLatest(db);
        if (applied.length > 0) logger.info({ applied }, "migrated");
        await forgetDevChain(db);

        const receiverLogger = logger.child({ name: "receiver" });
        const receiver = await startDemoReceiver({
          port: options.receiverPort,
          onWebhook: (received) =>
            received.verified
              ? receiverLogger.info(received.event, `${received.event.type}: signature verified`)
              : receiverLogger.warn({ reason: received.reason }, "refused: the signature did not verify"),
        });
        stops.push(() => receiver.close());
        const merchant = await seedDemoMerchant(db, config, receiver.url);
        receiver.setSecret(merchant.webhookSecret);

        const api: RunningApi = await startApi(config, { logger: logger.child({ name: "api" }) });
        stops.push(() => api.close());
        const dispatcher = await startDispatcherService(config, {
          logger: logger.child({ name: "dispatcher" }),
        });
        stops.push(() => dispatcher.stop());
        const watcher = await startWatcherService(config, { logger: logger.child({ name: "watcher" }) });
        stops.push(() => watcher.stop());
        done = watcher.watcher.done;

        const session = devSessionPath(api.port);
        await writeDevSession(session, {
          pid: process.pid,
          apiUrl: api.url,
          apiKey: merchant.apiKey,
          rpcUrl,
          chainId: ANVIL_CHAIN_ID,
          merchantId: merchant.merchantId,
        });
        stops.push(() => removeDevSession(session));
        process.stdout.write(
          devBanner({
            config,
            apiUrl: api.url,
            apiOpsUrl: api.ops.url,
            rpcUrl,
            chainId: ANVIL_CHAIN_ID,
            blockTime: options.blockTime,
            watcherUrl: watcher.ops.url,
            dispatcherUrl: dispatcher.ops.url,
            receiverUrl: receiver.url,
            merchant,
          }),
        );
      } catch (error) {
        await stopAll();
        fail(config, error);
      }

      const outcome = await Promise.race([
        shutdownSignal(),
        done!.then(
          () => "done" as const,
          (error: unknown) => error as Error,
        ),
      ]);
      if (outcome instanceof Error) logger.fatal({ err: outcome.message }, "watcher stopped");
      else logger.info({ signal: outcome }, "shutting down");
      await stopAll();
      logger.info("paygate dev stopped");
      // everything is closed; @viem/anvil's stop() leaves a 10 s timer behind that would hold the exit
      process.exit(outcome instanceof Error ? 1 : 0);
    });
}

function fail(config: Config, error: unknown): never {
  const known = error instanceof BackingServiceError || error instanceof PortInUseError;
  const inUse = /EADDRINUSE/.test(String(error));
  const message = known
    ? (error as Error).message
    : inUse
      ? `${(error as Error).message}: another \`paygate dev\` or service is running (ports: PORT=${config.port}, ` +
        `API_OPS_PORT=${config.opsPorts.api}, WATCHER_PORT=${config.opsPorts.watcher}, ` +
        `DISPATCHER_PORT=${config.opsPorts.dispatcher}, --receiver-port)`
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`paygate dev: ${message}\n`);
  process.exit(1);
}
