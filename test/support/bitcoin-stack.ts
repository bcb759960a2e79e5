import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningApi, startApi } from "@paygate/api";
import { type ApiRequest, apiClient, createTestMerchant, type TestMerchant } from "@paygate/api/testing";
import { type Dispatcher, startDispatcher } from "@paygate/dispatcher";
import {
  type Config,
  createLogger,
  type Db,
  type IntentObject,
  loadConfig,
  setWallet,
} from "@paygate/shared";
import {
  createTestDatabase,
  type Receiver,
  startReceiver,
  type TestDatabase,
  until,
} from "@paygate/shared/testing";
import { startWatcher, type Watcher, type WatcherOptions } from "@paygate/watcher";
import { Redis } from "ioredis";
import { Webhook } from "standardwebhooks";
import { parseUnits } from "viem";
import { type BitcoinSim, startBitcoinSim } from "../bitcoin-sim/index.ts";
import { STACK_WATCHER_OPTIONS } from "./stack.ts";
import { deletePrefixKeys, REDIS_URL } from "./webhook-harness.ts";

/**
 * The whole gateway against the Bitcoin regtest simulator, on one backend (Bitcoin Core JSON-RPC or Esplora):
 * a database and Redis prefix of its own, the API, dispatcher and watcher (bitcoin-regtest only) in-process, a
 * merchant whose Bitcoin wallet is the BIP84 testnet account of the "abandon ... about" mnemonic (P2WPKH,
 * bcrt1q addresses on regtest), and a webhook receiver that accepts only what `standardwebhooks` verifies.
 * Events are read as in `stack.ts`: once each (by id), in `sequence` order.
 */
export type BitcoinBackendKind = "node" | "esplora";
export const BITCOIN_BACKENDS: readonly BitcoinBackendKind[] = ["node", "esplora"];

export const CHAIN = "bitcoin-regtest";
/** BIP84 account m/84'/1'/0' of "abandon ... about", as wallets export it (a vpub). */
export const TEST_VPUB =
  "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";

export interface BitcoinStackOptions {
  backend: BitcoinBackendKind;
  merchant?: { toleranceBps?: number; monitoringWindowS?: number };
  /** Extra fields of the bitcoin-regtest chain file entry (snake_case). */
  chain?: Record<string, unknown>;
  /** More chain file entries (offered by the API; the watcher scans bitcoin-regtest only). */
  otherChains?: Record<string, Record<string, unknown>>;
  /** The backend URL the gateway uses (default the simulator's own; S14 may put something in between). */
  backendUrl?: (sim: BitcoinSim) => string;
  /** `false`: start without a watcher. */
  watcher?: Partial<WatcherOptions> | false;
}

export interface BitcoinStack {
  sim: BitcoinSim;
  database: TestDatabase;
  db: Db;
  config: Config;
  api: RunningApi;
  request: ApiRequest;
  merchant: TestMerchant;
  receiver: Receiver;
  readonly watcher: Watcher | undefined;
  /** POST /v1/payment-intents for BTC on bitcoin-regtest; expects 201. */
  createIntent(body: { amount: string } & Record<string, unknown>): Promise<IntentObject>;
  intent(id: string): Promise<IntentObject>;
  /** Pays `amount` BTC (a decimal string) from the simulator's wallet; returns the txid (in the mempool). */
  pay(to: string, amount: string, options?: { rbf?: boolean }): string;
  /** Mines blocks with the whole mempool; returns the new tip height. */
  mine(blocks?: number): bigint;
  eventsFor(intentId: string): string[];
  recordedEvents(intentId: string): Promise<string[]>;
  waitForEvents(intentId: string, count: number, timeoutMs?: number): Promise<string[]>;
  waitForStatus(intentId: string, status: IntentObject["status"], timeoutMs?: number): Promise<IntentObject>;
  /** Waits until the intent shows a payment from `txid` (in whatever state). */
  waitForPayment(intentId: string, txid: string): Promise<IntentObject>;
  /** Waits until the watcher has committed the effects of block `height`. */
  scannedTo(height: bigint): Promise<void>;
  setExpiry(intentId: string, expiresInMs: number, monitoringWindowMs?: number): Promise<Date>;
  startWatcher(options?: Partial<WatcherOptions>): Promise<Watcher>;
  stopWatcher(): Promise<void>;
  stop(): Promise<void>;
}

export function backendUrlOf(sim: BitcoinSim, backend: BitcoinBackendKind): string {
  if (backend === "esplora") return sim.esplora.url;
  const url = new URL(sim.rpc.url);
  url.username = sim.rpc.user;
  url.password = sim.rpc.password;
  return url.toString();
}

export async function startBitcoinStack(options: BitcoinStackOptions): Promise<BitcoinStack> {
  const sim = await startBitcoinSim();
  const database = await createTestDatabase();
  const prefix = `paygate-test-${randomBytes(5).toString("hex")}`;
  const dir = await mkdtemp(join(tmpdir(), "paygate-bitcoin-stack-"));
  const chainFile = join(dir, "chains.json");
  const url = options.backendUrl?.(sim) ?? backendUrlOf(sim, options.backend);
  await writeFile(
    chainFile,
    JSON.stringify({
      chains: {
        [CHAIN]: { poll_interval_ms: 100, bitcoin_backend: { kind: options.backend, url }, ...options.chain },
        ...options.otherChains,
      },
    }),
  );
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    PAYGATE_QUEUE_PREFIX: prefix,
    PAYGATE_ENV: "development",
    PORT: "0",
    PUBLIC_URL: "https://gateway.test",
    LOG_LEVEL: "silent",
    RATES_PROVIDER: "fixed",
    RATES_FIXED: "BTC:USD=60000",
    PAYGATE_CHAINS: chainFile,
    WEBHOOK_RETRY_SCHEDULE: "0.2,0.5,1",
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
    evmXpub: null,
    toleranceBps: options.merchant?.toleranceBps,
    monitoringWindowS: options.merchant?.monitoringWindowS,
  });
  await setWallet(db, { merchantId: merchant.merchantId, family: "bitcoin", xpub: TEST_VPUB });
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

  let watcher: Watcher | undefined;
  const stack: BitcoinStack = {
    sim,
    database,
    db,
    config,
    api,
    request,
    merchant,
    receiver,
    get watcher() {
      return watcher;
    },

    async createIntent(body) {
      const created = await request("POST", "/v1/payment-intents", {
        body: { currency: "BTC", asset: "BTC", chain: CHAIN, ...body },
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

    pay(to, amount, payOptions = {}) {
      return sim.send({ to, amountSats: parseUnits(amount, 8), rbf: payOptions.rbf });
    },

    mine(blocks = 1) {
      sim.mine(blocks);
      return BigInt(sim.tipHeight());
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

    waitForEvents(intentId, count, timeoutMs = 15_000) {
      return until(
        () => {
          const types = stack.eventsFor(intentId);
          return types.length >= count ? types : undefined;
        },
        { timeoutMs, message: `${count} events of ${intentId} at the receiver` },
      );
    },

    waitForStatus(intentId, status, timeoutMs = 15_000) {
      return until(
        async () => {
          const intent = await stack.intent(intentId);
          return intent.status === status ? intent : undefined;
        },
        { timeoutMs, message: `${intentId} to be ${status}` },
      );
    },

    async waitForPayment(intentId, txid) {
      await until(
        async () => {
          const intent = await stack.intent(intentId);
          return intent.payments.some((payment) => payment.tx_hash === txid) ? intent : undefined;
        },
        { timeoutMs: 15_000, message: `${intentId} to show a payment from ${txid}` },
      );
      // GET reads the intent row and its payments in two statements: the answer that first shows the payment
      // may pair it with the row from before the commit; one more read is after it
      return stack.intent(intentId);
    },

    async scannedTo(height) {
      await until(
        async () => {
          const cursor = await db
            .selectFrom("chain_cursors")
            .select("scanned_number")
            .where("chain", "=", CHAIN)
            .executeTakeFirst();
          return cursor !== undefined && cursor.scanned_number >= height;
        },
        { timeoutMs: 15_000, message: `the watcher to scan block ${height}` },
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
        chains: [CHAIN],
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
      await sim.close();
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      await deletePrefixKeys(redis, prefix);
      await redis.quit();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };

  if (options.watcher !== false) {
    await stack.startWatcher();
    await stack.scannedTo(BigInt(sim.tipHeight()));
  }
  return stack;
}
