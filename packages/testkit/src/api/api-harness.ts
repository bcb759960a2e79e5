import { type IpLimits, type RateProvider, startApi } from "@paygate/api";
import {
  type Config,
  createApiKey,
  createLogger,
  createMerchant,
  type Db,
  loadConfig,
  setWallet,
} from "@paygate/shared";
import { ANVIL_ACCOUNT_XPUB } from "../anvil/dev-accounts.ts";
import { createTestDatabase, type TestDatabase } from "../database.ts";

/**
 * A real API on a free port over a fresh database, for tests (this package's and the end-to-end suite's).
 * Rates are fixed (`ETH:USD=3000,BTC:USD=60000`); bitcoin mainnet and regtest are enabled with unreachable
 * node URLs: the API never calls them, the watcher does.
 */
export interface TestApi {
  url: string;
  port: number;
  /** The ops port's base URL: /healthz, /readyz, /metrics. */
  opsUrl: string;
  config: Config;
  db: Db;
  database: TestDatabase;
  close(): Promise<void>;
}

export const TEST_RATES = "ETH:USD=3000,BTC:USD=60000";

export async function startTestApi(
  options: {
    env?: Record<string, string>;
    rates?: RateProvider;
    rateLimit?: { limit: number; windowMs: number };
    /** Per client IP; out of the way unless given (tests send hundreds of requests from one address). */
    ipLimits?: IpLimits;
  } = {},
): Promise<TestApi> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: "0",
    API_OPS_PORT: "0",
    PAYGATE_ENV: "test",
    LOG_LEVEL: "silent",
    PUBLIC_URL: "https://gateway.test",
    RATES_PROVIDER: "fixed",
    RATES_FIXED: TEST_RATES,
    RPC_URL_BITCOIN: "http://127.0.0.1:1",
    RPC_URL_BITCOIN_REGTEST: "http://127.0.0.1:1",
    ...options.env,
  });
  const api = await startApi(config, {
    logger: createLogger({ level: "silent" }),
    rates: options.rates,
    rateLimit: options.rateLimit ?? { limit: 1_000_000, windowMs: 1000 },
    ipLimits: options.ipLimits ?? {
      checkout: { limit: 1_000_000, windowMs: 1000 },
      failedAuthentications: { limit: 1_000_000, windowMs: 1000 },
    },
  });
  return {
    url: api.url,
    port: api.port,
    opsUrl: api.ops.url,
    config,
    db: database.db,
    database,
    async close() {
      await api.close();
      await database.drop();
    },
  };
}

export interface TestMerchant {
  merchantId: string;
  apiKey: string;
}

/** A merchant with an API key and, unless told otherwise, an EVM wallet. */
export async function createTestMerchant(
  db: Db,
  options: { name?: string; evmXpub?: string | null; toleranceBps?: number; monitoringWindowS?: number } = {},
): Promise<TestMerchant> {
  const merchant = await createMerchant(db, {
    name: options.name ?? "Test shop",
    underpaymentToleranceBps: options.toleranceBps,
    monitoringWindowS: options.monitoringWindowS,
  });
  const key = await createApiKey(db, merchant.id);
  const xpub = options.evmXpub === undefined ? ANVIL_ACCOUNT_XPUB : options.evmXpub;
  if (xpub) await setWallet(db, { merchantId: merchant.id, family: "evm", xpub });
  return { merchantId: merchant.id, apiKey: key.key };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read answers of every shape
export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
  apiKey?: string | null;
}

/** fetch over a real socket; parses JSON answers. */
export function apiClient(baseUrl: string, apiKey?: string) {
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers of every shape
  return async function request<T = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.apiKey === undefined ? apiKey : options.apiKey;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | Uint8Array | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get("content-type")?.includes("application/json")) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };
}

export type ApiRequest = ReturnType<typeof apiClient>;

/** A decimal string without trailing fractional zeros: compares amounts whatever their display precision. */
export function decimalValue(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}
