import { describe, expect, it } from "vitest";
import { isChainEnabled } from "../chains/index.ts";
import { ConfigError, defaultRetryScheduleSeconds, loadConfig } from "./config.ts";

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the configuration to be refused");
}

describe("loadConfig", () => {
  it("applies the contract's defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: "postgres://postgres@127.0.0.1:5432/paygate",
      redisUrl: "redis://127.0.0.1:6379",
      port: 3000,
      publicUrl: "http://localhost:3000",
      env: "production",
      rates: { provider: "none", fixed: [] },
      webhooks: {
        retryScheduleSeconds: defaultRetryScheduleSeconds,
        allowedCidrs: [],
        allowedPorts: [443, 8443],
        maxEndpoints: 16,
      },
    });
  });

  it("parses webhook ports and the endpoint cap, refusing nonsense", () => {
    const config = loadConfig({ WEBHOOK_ALLOWED_PORTS: "443, 9443", MAX_WEBHOOK_ENDPOINTS: "4" });
    expect(config.webhooks).toMatchObject({ allowedPorts: [443, 9443], maxEndpoints: 4 });
    for (const ports of ["", "443,https", "70000", "0"]) {
      expect(problemsOf({ WEBHOOK_ALLOWED_PORTS: ports })).toContain("WEBHOOK_ALLOWED_PORTS");
    }
    expect(problemsOf({ MAX_WEBHOOK_ENDPOINTS: "0" })).toContain("MAX_WEBHOOK_ENDPOINTS");
  });

  it("offers the anvil chain only in development or test, or with RPC_URL_ANVIL set", () => {
    const anvil = (env: Record<string, string>) => {
      const chain = loadConfig(env).chains.find((candidate) => candidate.id === "anvil");
      return chain && isChainEnabled(chain) ? chain.rpcUrls : "not offered";
    };
    expect(anvil({})).toBe("not offered");
    expect(anvil({ PAYGATE_ENV: "production" })).toBe("not offered");
    expect(anvil({ PAYGATE_ENV: "development" })).toEqual(["http://127.0.0.1:8545"]);
    expect(anvil({ PAYGATE_ENV: "test" })).toEqual(["http://127.0.0.1:8545"]);
    expect(anvil({ RPC_URL_ANVIL: "http://anvil:8545" })).toEqual(["http://anvil:8545"]);
  });

  it("gives the contract's delivery numbers by default, each configurable", () => {
    expect(loadConfig({}).webhooks).toMatchObject({
      connectTimeoutMs: 5_000,
      requestTimeoutMs: 15_000,
      throttledRetryFloorMs: 60_000,
      retryJitter: 0.2,
      disableAfterFailingMs: 5 * 24 * 60 * 60 * 1000,
      endpointConcurrency: 5,
      responseBodyLimitBytes: 20_000,
    });
    const config = loadConfig({
      WEBHOOK_CONNECT_TIMEOUT_SECONDS: "2",
      WEBHOOK_TIMEOUT_SECONDS: "0.5",
      WEBHOOK_THROTTLED_RETRY_FLOOR_SECONDS: "1.5",
      WEBHOOK_RETRY_JITTER: "0",
      WEBHOOK_DISABLE_AFTER_FAILING_SECONDS: "3600",
      WEBHOOK_ENDPOINT_CONCURRENCY: "2",
      WEBHOOK_RESPONSE_BODY_LIMIT_BYTES: "100",
    });
    expect(config.webhooks).toMatchObject({
      connectTimeoutMs: 2_000,
      requestTimeoutMs: 500,
      throttledRetryFloorMs: 1_500,
      retryJitter: 0,
      disableAfterFailingMs: 3_600_000,
      endpointConcurrency: 2,
      responseBodyLimitBytes: 100,
    });
  });

  it("parses fixed rates, retry schedules and allowed CIDRs", () => {
    const config = loadConfig({
      RATES_FIXED: "ETH:USD=3000,BTC:EUR=0.5",
      WEBHOOK_RETRY_SCHEDULE: "1,2.5",
      WEBHOOK_ALLOWED_CIDRS: "10.0.0.0/8, fd00::/8",
    });
    expect(config.rates.fixed).toEqual([
      { asset: "ETH", fiat: "USD", rate: "3000" },
      { asset: "BTC", fiat: "EUR", rate: "0.5" },
    ]);
    expect(config.webhooks.retryScheduleSeconds).toEqual([1, 2.5]);
    expect(config.webhooks.allowedCidrs).toEqual(["10.0.0.0/8", "fd00::/8"]);
  });

  it.each([
    ["ETH:USD=03000", "leading zeros"],
    ["ETH:USD=0", "zero"],
    ["ETH:USD=0.00", "zero with decimals"],
    ["ETH:XYZ=1", "an unknown fiat currency"],
    ["ETH:USD=1e3", "an exponent"],
  ])("refuses RATES_FIXED=%s (%s) naming the variable", (value) => {
    expect(problemsOf({ RATES_FIXED: value })).toContain("RATES_FIXED");
  });

  it("parses TRUST_PROXY into the proxies express trusts, none by default, and refuses what is neither", () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8,192.0.2.7" }).trustProxy).toEqual([
      "loopback",
      "10.0.0.0/8",
      "192.0.2.7",
    ]);
    expect(problemsOf({ TRUST_PROXY: "true" })).toContain("TRUST_PROXY");
    expect(problemsOf({ TRUST_PROXY: "proxy.internal" })).toContain("TRUST_PROXY");
  });

  it.each(["bogus", "10.0.0.0", "10.0.0.0/33", "fd00::/129"])(
    "refuses WEBHOOK_ALLOWED_CIDRS=%s at start, not at the first delivery",
    (value) => {
      expect(problemsOf({ WEBHOOK_ALLOWED_CIDRS: value })).toContain("WEBHOOK_ALLOWED_CIDRS");
    },
  );

  it("refuses a malformed RPC URL without echoing its credentials", () => {
    const message = problemsOf({ RPC_URL_SEPOLIA: "https://rpc.example/ok,ftp://user:hunter2@rpc.example" });
    expect(message).toContain("RPC_URL_SEPOLIA");
    expect(message).not.toContain("hunter2");
  });

  it("refuses a list of Bitcoin backend URLs: there is no fallback for them, and a second one would go unused", () => {
    const message = problemsOf({
      ESPLORA_URL_BITCOIN_SIGNET: "https://esplora.example/signet/api,https://other.example/api",
    });
    expect(message).toContain("ESPLORA_URL_BITCOIN_SIGNET");
    expect(message).toContain("exactly one backend URL");
    expect(loadConfig({ RPC_URL_BITCOIN: "http://user:pw@127.0.0.1:8332/" }).chains).toContainEqual(
      expect.objectContaining({
        id: "bitcoin",
        bitcoinBackend: { kind: "node", url: "http://user:pw@127.0.0.1:8332/" },
      }),
    );
  });

  it.each([
    ["PAYGATE_ENV", "staging"],
    ["PORT", "70000"],
    ["DATABASE_URL", "not a url"],
    ["WEBHOOK_RETRY_SCHEDULE", "5,-1"],
    ["RATES_PROVIDER", "bank"],
    ["WEBHOOK_TIMEOUT_SECONDS", "0"],
    ["WEBHOOK_RETRY_JITTER", "1.5"],
    ["WEBHOOK_ENDPOINT_CONCURRENCY", "0"],
  ])("refuses %s=%s", (variable, value) => {
    expect(problemsOf({ [variable]: value })).toContain(variable);
  });
});
