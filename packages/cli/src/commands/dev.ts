import { type RunningApi, startApi } from "@paygate/api";
import { type Config, connectDatabase, createLogger, type Db, migrateToLatest } from "@paygate/shared";
import type { Command } from "commander";
import { loadConfigOrExit } from "../context.ts";
import { loadDevtools } from "../devtools.ts";
import { startDispatcherService } from "../services/dispatcher-service.ts";
import { shutdownSignal } from "../services/shutdown-signal.ts";
import { startWatcherService } from "../services/watcher-service.ts";
import { integerOption } from "./options.ts";

interface DevOptions {
  anvilPort: number;
  receiverPort: number;
  blockTime: number;
  bitcoin: boolean;
  bitcoinBlockTime: number;
}

/**
 * `paygate dev`: the whole gateway on one machine against a fresh Anvil chain, until Ctrl-C or SIGTERM. Whatever
 * started is stopped in reverse order, on shutdown and when a later step fails.
 */
export function registerDev(program: Command): void {
  program
    .command("dev")
    .description(
      "run Anvil (and with --bitcoin a simulated Bitcoin regtest node), the API, the watcher and the dispatcher " +
        "with a demo merchant, until Ctrl-C",
    )
    .option("--anvil-port <port>", "Anvil's port (the anvil chain's RPC URL follows it)", integerOption, 8545)
    .option("--receiver-port <port>", "the demo webhook receiver's port", integerOption, 3004)
    .option(
      "--block-time <seconds>",
      "seconds between Anvil blocks; 0 mines a block per transaction",
      integerOption,
      2,
    )
    .option("--bitcoin", "also run bitcoin-regtest on a SIMULATED Bitcoin node (the tests' simulator)", false)
    .option(
      "--bitcoin-block-time <seconds>",
      "seconds a payment waits in the simulated mempool before a block confirms it",
      integerOption,
      10,
    )
    .action(async (options: DevOptions) => {
      const devtools = await loadDevtools("dev");
      const {
        ANVIL_CHAIN_ID,
        DEV_BITCOIN_CHAIN,
        devBanner,
        devSessionPath,
        ensureDatabase,
        ensureRedis,
        forgetDevChain,
        removeDevSession,
        seedDemoMerchant,
        startDemoReceiver,
        startDevAnvil,
        startDevBitcoin,
        writeDevSession,
      } = devtools;
      const rpcUrl = `http://127.0.0.1:${options.anvilPort}`;
      // the simulator starts before the configuration is read: its RPC URL is part of it
      const bitcoin = options.bitcoin
        ? await startDevBitcoin({ blockTime: Math.max(options.bitcoinBlockTime, 1) })
        : undefined;
      // dev's own chains win over any RPC_URL_ANVIL; a quote in USD works without a rates provider
      const config = loadConfigOrExit({
        PAYGATE_ENV: "development",
        ...process.env,
        RPC_URL_ANVIL: rpcUrl,
        ...(bitcoin ? { RPC_URL_BITCOIN_REGTEST: bitcoin.rpcUrl, ESPLORA_URL_BITCOIN_REGTEST: "" } : {}),
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
      if (bitcoin) {
        stops.push(() => bitcoin.stop());
        logger.warn(
          { chain: DEV_BITCOIN_CHAIN, blockTime: options.bitcoinBlockTime },
          "bitcoin-regtest is a SIMULATION (the tests' in-process regtest simulator, not a Bitcoin node)",
        );
      }
      let done: Promise<unknown> | undefined;
      try {
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
        await forgetDevChain(db, "anvil");
        if (bitcoin) await forgetDevChain(db, DEV_BITCOIN_CHAIN);

        const receiverLogger = logger.child({ name: "receiver" });
        const receiver = await startDemoReceiver({
          port: options.receiverPort,
          onWebhook: (received) =>
            received.verified
              ? receiverLogger.info(received.event, `${received.event.type}: signature verified`)
              : receiverLogger.warn({ reason: received.reason }, "refused: the signature did not verify"),
        });
        stops.push(() => receiver.close());
        const merchant = await seedDemoMerchant(db, config, receiver.url, { bitcoin: bitcoin !== undefined });
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
          ...(bitcoin ? { bitcoinSimulator: bitcoin.control } : {}),
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
            ...(bitcoin
              ? { bitcoin: { rpcUrl: bitcoin.displayUrl, blockTime: options.bitcoinBlockTime } }
              : {}),
          }),
        );
      } catch (error) {
        await stopAll();
        fail(config, error, devtools);
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

function fail(
  config: Config,
  error: unknown,
  { BackingServiceError, PortInUseError }: typeof import("@paygate/devtools"),
): never {
  const known = error instanceof BackingServiceError || error instanceof PortInUseError;
  const inUse = /EADDRINUSE/.test(String(error));
  const message = known
    ? (error as Error).message
    : inUse
      ? `${(error as Error).message}: another \`paygate dev\` or service is running (ports: PORT=${config.port}, ` +
        `WATCHER_PORT=${config.opsPorts.watcher}, DISPATCHER_PORT=${config.opsPorts.dispatcher}, --receiver-port)`
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`paygate dev: ${message}\n`);
  process.exit(1);
}
