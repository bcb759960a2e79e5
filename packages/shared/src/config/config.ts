import ipaddr from "ipaddr.js";
import { z } from "zod";
import { type Chain, readChainFile, resolveChains } from "../chains/index.ts";
import { splitDecimal } from "../money/decimal.ts";
import { isFiatCurrency } from "../money/fiat.ts";

/**
 * The environment, parsed once at start into a typed object that is passed down. Nothing below the process
 * entry points reads `process.env`.
 */

/** Standard Webhooks retry schedule: ~5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (10 attempts). */
export const defaultRetryScheduleSeconds = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400];

const fixedRate = z
  .string()
  .regex(/^[A-Z0-9.]{2,12}:[A-Z]{3}=\d+(\.\d+)?$/, "expected ASSET:FIAT=RATE, e.g. ETH:USD=3000")
  .transform((entry) => {
    const [pair, rate] = entry.split("=") as [string, string];
    const [asset, fiat] = pair.split(":") as [string, string];
    return { asset, fiat, rate };
  });

/** The address groups express's `trust proxy` names. */
const proxyNames = new Set(["loopback", "linklocal", "uniquelocal"]);

/** 0 asks the OS for a free port (tests). */
const port = z.coerce.number().int().min(0).max(65_535);

/** Seconds (fractions allowed), as milliseconds. Defaults go through `prefault` so they are converted too. */
const seconds = z.coerce
  .number()
  .positive()
  .transform((value) => Math.round(value * 1000));

/**
 * Every setting with its default, by environment variable; the `Config` type is this schema's output. Unknown
 * variables are kept for the chain presets' `RPC_URL_<CHAIN>` and backend URLs (`resolveChains`).
 */
const environmentSchema = z.looseObject({
  DATABASE_URL: z.url().default("postgres://postgres@127.0.0.1:5432/paygate"),
  REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
  PORT: port.default(3000),
  API_OPS_PORT: port.default(3003),
  WATCHER_PORT: port.default(3001),
  DISPATCHER_PORT: port.default(3002),
  // readiness and metrics are unauthenticated: loopback unless the operator opens them on purpose
  OPS_HOST: z.string().min(1).default("127.0.0.1"),
  PUBLIC_URL: z.url().optional(),
  // safe unless told otherwise: production refuses http and private webhook URLs (`paygate dev` says development)
  PAYGATE_ENV: z.enum(["development", "test", "production"]).default("production"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PAYGATE_CHAINS: z.string().optional(),
  PAYGATE_QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/)
    .default("paygate"),
  // unset (or empty, as compose passes an unset variable): none in production, fixed in development and test
  RATES_PROVIDER: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.enum(["fixed", "coingecko", "kraken", "coinbase"]).optional(),
  ),
  RATES_FIXED: z
    .string()
    .default("")
    .transform((value) => value.split(",").filter((entry) => entry.trim() !== ""))
    .pipe(
      z.array(
        fixedRate
          .refine(({ fiat }) => isFiatCurrency(fiat), { message: "unknown fiat currency" })
          .refine(({ rate }) => isPositiveDecimal(rate), {
            message: "the rate must be a positive decimal without leading zeros, e.g. 3000.25",
          }),
      ),
    ),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, "expected comma-separated seconds, e.g. 1,2,5")
    .transform((value) => value.split(",").map(Number))
    .optional(),
  // the proxies whose X-Forwarded-For names the client (per-IP limits); none unless named
  TRUST_PROXY: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .refine(
            (entry) => proxyNames.has(entry) || ipaddr.isValid(entry) || ipaddr.isValidCIDR(entry),
            "expected IPs, CIDRs or loopback/linklocal/uniquelocal, e.g. 10.0.0.0/8,loopback",
          ),
      ),
    ),
  WEBHOOK_ALLOWED_CIDRS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((cidr) => cidr.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().refine((cidr) => ipaddr.isValidCIDR(cidr), "expected CIDRs, e.g. 10.0.0.0/8,fd00::/8"),
      ),
    ),
  // contract section 8: webhooks go to 443 and 8443 only outside development
  WEBHOOK_ALLOWED_PORTS: z
    .string()
    .default("443,8443")
    .transform((value) =>
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^\d{1,5}$/, "expected ports, e.g. 443,8443"))
        .min(1, "expected ports, e.g. 443,8443")
        .transform((ports) => ports.map(Number)),
    )
    .refine((ports) => ports.every((port) => port >= 1 && port <= 65_535), "ports are 1 to 65535"),
  MAX_WEBHOOK_ENDPOINTS: z.coerce.number().int().min(1).max(1000).default(16),
  // The contract's delivery numbers (section "Webhooks"), configurable for operators and tests.
  WEBHOOK_CONNECT_TIMEOUT_SECONDS: seconds.prefault(5),
  WEBHOOK_TIMEOUT_SECONDS: seconds.prefault(15),
  WEBHOOK_THROTTLED_RETRY_FLOOR_SECONDS: seconds.prefault(60),
  WEBHOOK_RETRY_JITTER: z.coerce.number().min(0).max(1).default(0.2),
  WEBHOOK_DISABLE_AFTER_FAILING_SECONDS: seconds.prefault(5 * 24 * 60 * 60),
  WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().positive().default(5),
  WEBHOOK_RESPONSE_BODY_LIMIT_BYTES: z.coerce.number().int().nonnegative().default(20_000),
});

/**
 * Anvil's preset URL points at a local development chain whose funded keys are public: anyone could "pay" an
 * intent there. Production offers it only when RPC_URL_ANVIL names a node on purpose (contract section 8).
 */
function withoutAnvil(chains: Chain[]): Chain[] {
  return chains.map((chain) => (chain.id === "anvil" ? { ...chain, rpcUrls: [] } : chain));
}

const configSchema = environmentSchema.transform((values, context) => {
  let chains: Chain[] = [];
  try {
    const file = values.PAYGATE_CHAINS ? readChainFile(values.PAYGATE_CHAINS) : undefined;
    // the chain variables (RPC_URL_<CHAIN>, ...) are among the unknown keys, kept as given
    chains = resolveChains(file, values as Record<string, string | undefined>);
    const anvilUrl = (values as Record<string, string | undefined>).RPC_URL_ANVIL;
    if (values.PAYGATE_ENV === "production" && !anvilUrl) chains = withoutAnvil(chains);
  } catch (error) {
    context.addIssue({
      code: "custom",
      message: `invalid chain configuration (PAYGATE_CHAINS): ${(error as Error).message}`,
    });
  }
  return {
    databaseUrl: values.DATABASE_URL,
    redisUrl: values.REDIS_URL,
    /** The API's port. */
    port: values.PORT,
    opsPorts: { api: values.API_OPS_PORT, watcher: values.WATCHER_PORT, dispatcher: values.DISPATCHER_PORT },
    opsHost: values.OPS_HOST,
    publicUrl: (values.PUBLIC_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, ""),
    env: values.PAYGATE_ENV,
    logLevel: values.LOG_LEVEL,
    queuePrefix: values.PAYGATE_QUEUE_PREFIX,
    chains,
    rates: {
      provider:
        values.RATES_PROVIDER ??
        (values.PAYGATE_ENV === "production" ? ("none" as const) : ("fixed" as const)),
      fixed: values.RATES_FIXED,
    },
    webhooks: {
      retryScheduleSeconds: values.WEBHOOK_RETRY_SCHEDULE ?? defaultRetryScheduleSeconds,
      allowedCidrs: values.WEBHOOK_ALLOWED_CIDRS,
      allowedPorts: values.WEBHOOK_ALLOWED_PORTS,
      maxEndpoints: values.MAX_WEBHOOK_ENDPOINTS,
      connectTimeoutMs: values.WEBHOOK_CONNECT_TIMEOUT_SECONDS,
      requestTimeoutMs: values.WEBHOOK_TIMEOUT_SECONDS,
      /** Least wait after a timeout, 429, 502 or 504. */
      throttledRetryFloorMs: values.WEBHOOK_THROTTLED_RETRY_FLOOR_SECONDS,
      retryJitter: values.WEBHOOK_RETRY_JITTER,
      /** An endpoint that has only failed this long is disabled. */
      disableAfterFailingMs: values.WEBHOOK_DISABLE_AFTER_FAILING_SECONDS,
      /** Requests in flight per endpoint across all dispatcher processes. */
      endpointConcurrency: values.WEBHOOK_ENDPOINT_CONCURRENCY,
      /** Bytes of a receiver's response body kept per attempt. */
      responseBodyLimitBytes: values.WEBHOOK_RESPONSE_BODY_LIMIT_BYTES,
    },
    trustProxy: values.TRUST_PROXY,
  };
});

/** "0.5" is a rate; "0", "0.0" and "00.5" are not (the grammar quotes use: `parseRate`). */
function isPositiveDecimal(rate: string): boolean {
  const parts = splitDecimal(rate);
  return parts !== undefined && /[1-9]/.test(parts.whole + parts.fraction);
}

export type Config = z.output<typeof configSchema>;
export type PaygateEnv = Config["env"];

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`,
    );
    throw new ConfigError(`invalid configuration:\n${problems.join("\n")}`);
  }
  return parsed.data;
}
