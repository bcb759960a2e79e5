import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningApi, startApi } from "@paygate/api";
import { type ApiRequest, apiClient, createTestMerchant, type TestMerchant } from "@paygate/api/testing";
import { type Dispatcher, startDispatcher } from "@paygate/dispatcher";
import { type Config, createLogger, type Db, type IntentObject, loadConfig } from "@paygate/shared";
import {
  createTestDatabase,
  deployTestToken,
  type Receiver,
  type StartAnvilOptions,
  startAnvil,
  startReceiver,
  type TestAnvil,
  type TestDatabase,
  type TestToken,
  until,
} from "@paygate/shared/testing";
import { startWatcher, type Watcher, type WatcherOptions } from "@paygate/watcher";
import { Redis } from "ioredis";
import { Webhook } from "standardwebhooks";
import {
  type Account,
  encodeFunctionData,
  type Hash,
  type Hex,
  parseAbi,
  parseEther,
  parseUnits,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { deletePrefixKeys, REDIS_URL } from "./webhook-harness.ts";

/**
 * The whole gateway in one test file: a database and a Redis prefix of its own, a real Anvil with the test
 * token configured as `TUSD`, the API, the dispatcher and the watcher in-process, a merchant (API key, the
 * Anvil account xpub as EVM wallet) and a webhook receiver that accepts only requests whose signature the
 * `standardwebhooks` library verifies.
 *
 * Event order: delivery is at least once and unordered (contract section 4), so `eventsFor` lists the accepted
 * events once each (by `webhook-id`) in `sequence` order, as a receiver is told to read them.
 */
export interface StackOptions {
  anvil?: StartAnvilOptions;
  merchant?: { toleranceBps?: number; monitoringWindowS?: number };
  /** Extra fields of the anvil entry in the chain file (snake_case, as operators write it). */
  chain?: Record<string, unknown>;
  /** The RPC URL(s) the gateway uses (default: Anvil's own; S14 puts a failing proxy in between). */
  rpcUrl?: (anvil: TestAnvil) => string | string[];
  /** `false`: start without a watcher (`startWatcher()` later). */
  watcher?: Partial<WatcherOptions> | false;
  env?: Record<string, string>;
}

export type Asset = "ETH" | "TUSD";

export interface Payment {
  hash: Hash;
  /** The signed transaction, to send again after a reorg dropped it. */
  raw: Hex;
  blockNumber: bigint;
  status: "success" | "reverted";
}

export interface Stack {
  anvil: TestAnvil;
  token: TestToken;
  database: TestDatabase;
  db: Db;
  config: Config;
  api: RunningApi;
  request: ApiRequest;
  merchant: TestMerchant;
  receiver: Receiver;
  watcher: Watcher | undefined;
  /** POST /v1/payment-intents (currency defaults to the asset, chain to anvil); expects 201. */
  createIntent(body: { amount: string; asset?: Asset } & Record<string, unknown>): Promise<IntentObject>;
  /** GET /v1/payment-intents/:id. */
  intent(id: string): Promise<IntentObject>;
  /**
   * Sends `amount` (a decimal in asset units) and waits until it is mined. The payer is an account of its own
   * (funded with ETH and TUSD): the merchant's deposit addresses are the dev accounts, so those must not pay.
   */
  pay(
    to: string,
    amount: string,
    options?: { asset?: Asset; from?: Account; gas?: bigint },
  ): Promise<Payment>;
  /** Sends a signed transaction again (after a reorg dropped it) and waits until it is mined. */
  resend(raw: Hex): Promise<Payment>;
  payer: Account;
  mine(blocks: number): Promise<bigint>;
  /** Event types the receiver accepted for the intent: once each, in `sequence` order. */
  eventsFor(intentId: string): string[];
  /** Event types recorded in the outbox for the intent, in `sequence` order. */
  recordedEvents(intentId: string): Promise<string[]>;
  /** Waits until `count` events of the intent were accepted, and returns their types. */
  waitForEvents(intentId: string, count: number, timeoutMs?: number): Promise<string[]>;
  waitForStatus(intentId: string, status: IntentObject["status"], timeoutMs?: number): Promise<IntentObject>;
  /** Waits until the watcher has committed the effects of block `number`. */
  scannedTo(number: bigint): Promise<void>;
  /** Test clock shortcut: moves the intent's expiry (and monitoring window end) relative to now; returns it. */
  setExpiry(intentId: string, expiresInMs: number, monitoringWindowMs?: number): Promise<Date>;
  startWatcher(options?: Partial<WatcherOptions>): Promise<Watcher>;
  stopWatcher(): Promise<void>;
  stop(): Promise<void>;
}

const erc20 = parseAbi(["function transfer(address to, uint256 amount) returns (bool)"]);
const decimalsOf: Record<Asset, number> = { ETH: 18, TUSD: 6 };
/** Fast enough for tests, slow enough that a poll does not hog a CI core. */
export const STACK_WATCHER_OPTIONS: Partial<WatcherOptions> = {
  sweepIntervalMs: 100,
  standbyRetryMs: 100,
  backoff: { baseMs: 100, maxMs: 400 },
};

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const anvil = await startAnvil(options.anvil);
  const token = await deployTestToken(anvil);
  const database = await createTestDatabase();
  const prefix = `paygate-test-${randomBytes(5).toString("hex")}`;
  const dir = await mkdtemp(join(tmpdir(), "paygate-stack-"));
  const chainFile = join(dir, "chains.json");
  await writeFile(
    chainFile,
    JSON.stringify({
      chains: {
        anvil: {
          rpc_urls: [options.rpcUrl?.(anvil) ?? anvil.rpcUrl].flat(),
          poll_interval_ms: 100,
          assets: [
            { symbol: "ETH", type: "native", decimals: 18 },
            { symbol: "TUSD", type: "erc20", decimals: 6, contract: token.address },
          ],
          ...options.chain,
        },
      },
    }),
  );
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    PAYGATE_QUEUE_PREFIX: prefix,
    // development: the receiver is plain http on loopback, which production rules refuse
    PAYGATE_ENV: "development",
    PORT: "0",
    PUBLIC_URL: "https://gateway.test",
    LOG_LEVEL: "silent",
    RATES_PROVIDER: "fixed",
    RATES_FIXED: "ETH:USD=3000",
    PAYGATE_CHAINS: chainFile,
    WEBHOOK_RETRY_SCHEDULE: "0.2,0.5,1",
    ...options.env,
  });
  const logger = createLogger({ level: process.env.STACK_LOG_LEVEL ?? "silent" });
  const db = database.db;

  const api = await startApi(config, { logger, rateLimit: { limit: 1_000_000, windowMs: 1000 } });
  const dispatcher: Dispatcher = await startDispatcher(config, {
    logger,
    db,
    sweepIntervalMs: 200,
    pollIntervalMs: 200,
  });
  const merchant = await createTestMerchant(db, {
    toleranceBps: options.merchant?.toleranceBps,
    monitoringWindowS: options.merchant?.monitoringWindowS,
  });
  const request = apiClient(api.url, merchant.apiKey);

  let secret = "";
  const receiver = await startReceiver({
    respond: (received) => {
      try {
        new Webhook(secret).verify(received.body, received.headers);
        return { status: 200 };
      } catch {
        return { status: 400, body: "bad signature" };
      }
    },
  });
  const endpoint = await request("POST", "/v1/webhook-endpoints", { body: { url: `${receiver.url}/hooks` } });
  if (endpoint.status !== 201) throw new Error(`endpoint registration failed: ${endpoint.text}`);
  secret = endpoint.body.secret;

  const payer = privateKeyToAccount(generatePrivateKey());
  await anvil.testClient.setBalance({ address: payer.address, value: parseEther("10000") });
  await anvil.publicClient.waitForTransactionReceipt({ hash: await token.mint(payer.address, 10n ** 15n) });

  let watcher: Watcher | undefined;
  const stack: Stack = {
    anvil,
    token,
    database,
    db,
    config,
    api,
    request,
    merchant,
    receiver,
    payer,
    get watcher() {
      return watcher;
    },

    async createIntent(body) {
      const asset = body.asset ?? "ETH";
      const created = await request("POST", "/v1/payment-intents", {
        body: { currency: asset, chain: "anvil", ...body, asset },
      });
      if (created.status !== 201)
        throw new Error(`intent creation failed (${created.status}): ${created.text}`);
      return created.body;
    },

    async intent(id) {
      const answer = await request("GET", `/v1/payment-intents/${id}`);
      if (answer.status !== 200) throw new Error(`GET intent ${id}: ${answer.status} ${answer.text}`);
      return answer.body;
    },

    async pay(to, amount, payOptions = {}) {
      const asset = payOptions.asset ?? "ETH";
      const account = payOptions.from ?? payer;
      const units = parseUnits(amount, decimalsOf[asset]);
      const call =
        asset === "ETH"
          ? { to: to as Hex, value: units }
          : {
              to: token.address,
              data: encodeFunctionData({ abi: erc20, functionName: "transfer", args: [to as Hex, units] }),
            };
      const prepared = await anvil.walletClient.prepareTransactionRequest({
        account,
        gas: payOptions.gas,
        ...call,
      });
      return stack.resend(await anvil.walletClient.signTransaction(prepared));
    },

    async resend(raw) {
      const hash = await anvil.walletClient.sendRawTransaction({ serializedTransaction: raw });
      const receipt = await anvil.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      return { hash, raw, blockNumber: receipt.blockNumber, status: receipt.status };
    },

    async mine(blocks) {
      await anvil.mine(blocks);
      return anvil.publicClient.getBlockNumber({ cacheTime: 0 });
    },

    eventsFor(intentId) {
      const accepted = new Map<string, { type: string; sequence: number }>();
      for (const received of receiver.requests) {
        if (received.status !== 200) continue;
        const event = JSON.parse(received.body);
        if (event.data?.payment_intent?.id !== intentId) continue;
        accepted.set(event.id, { type: event.type, sequence: event.data.sequence });
      }
      return [...accepted.values()].sort((a, b) => a.sequence - b.sequence).map((event) => event.type);
    },

    async recordedEvents(intentId) {
      const rows = await db
        .selectFrom("events")
        .select("type")
        .where("intent_id", "=", intentId)
        .orderBy("sequence")
        .execute();
      return rows.map((row) => row.type);
    },

    async waitForEvents(intentId, count, timeoutMs = 15_000) {
      return until(
        () => {
          const types = stack.eventsFor(intentId);
          return types.length >= count ? types : undefined;
        },
        { timeoutMs, message: `${count} events of ${intentId} at the receiver` },
      );
    },

    async waitForStatus(intentId, status, timeoutMs = 15_000) {
      return until(
        async () => {
          const intent = await stack.intent(intentId);
          return intent.status === status ? intent : undefined;
        },
        { timeoutMs, message: `${intentId} to be ${status}` },
      );
    },

    async scannedTo(number) {
      await until(
        async () => {
          const cursor = await db
            .selectFrom("chain_cursors")
            .select("scanned_number")
            .where("chain", "=", "anvil")
            .executeTakeFirst();
          return cursor !== undefined && cursor.scanned_number >= number;
        },
        { timeoutMs: 15_000, message: `the watcher to scan block ${number}` },
      );
    },

    async setExpiry(intentId, expiresInMs, monitoringWindowMs = 86_400_000) {
      const expiresAt = new Date(Date.now() + expiresInMs);
      await db
        .updateTable("payment_intents")
        .set({
          expires_at: expiresAt,
          monitoring_ends_at: new Date(expiresAt.getTime() + monitoringWindowMs),
        })
        .where("id", "=", intentId)
        .execute();
      return expiresAt;
    },

    async startWatcher(watcherOptions = {}) {
      if (watcher) throw new Error("the watcher is already running");
      watcher = await startWatcher(config, {
        logger,
        db,
        ...STACK_WATCHER_OPTIONS,
        ...(options.watcher || {}),
        ...watcherOptions,
      });
      return watcher;
    },

    async stopWatcher() {
      await watcher?.stop();
      watcher = undefined;
    },

    async stop() {
      await stack.stopWatcher();
      await dispatcher.stop();
      await api.close();
      await receiver.close();
      await anvil.stop();
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      await deletePrefixKeys(redis, prefix);
      await redis.quit();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };

  // the watcher starts at the current head, after the setup blocks; tests begin once it has read it
  if (options.watcher !== false) {
    await stack.startWatcher();
    await stack.scannedTo(await anvil.publicClient.getBlockNumber({ cacheTime: 0 }));
  }
  return stack;
}
