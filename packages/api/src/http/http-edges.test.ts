import { Writable } from "node:stream";
import { loadConfig, revokeApiKey } from "@paygate/shared";
import { type ApiRequest, apiClient, createTestMerchant, startTestApi, type TestApi } from "@paygate/testkit";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "../server.ts";

let api: TestApi;
let merchant: { merchantId: string; apiKey: string };
let request: ApiRequest;

beforeAll(async () => {
  api = await startTestApi();
  merchant = await createTestMerchant(api.db);
  request = apiClient(api.url, merchant.apiKey);
});

afterAll(() => api?.close());

describe("authentication", () => {
  it.each([
    ["no Authorization header", {}, "api_key_missing"],
    ["a Basic header", { authorization: "Basic dXNlcjpwYXNz" }, "api_key_invalid"],
    ["a malformed key", { authorization: "Bearer sk_short" }, "api_key_invalid"],
    ["an unknown key", { authorization: `Bearer sk_${"A".repeat(43)}` }, "api_key_invalid"],
    ["a bare token", { authorization: "Bearer" }, "api_key_invalid"],
  ])("answers 401 for %s", async (_name, headers, code) => {
    const answer = await request("GET", "/v1/payment-intents", { apiKey: null, headers });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: { type: "authentication", code, message: expect.any(String) } });
  });

  it("refuses a revoked key at once", async () => {
    const other = await createTestMerchant(api.db, { name: "Revoked", evmXpub: null });
    const asOther = apiClient(api.url, other.apiKey);
    expect((await asOther("GET", "/v1/payment-intents")).status).toBe(200);
    const key = await api.db
      .selectFrom("api_keys")
      .select("id")
      .where("merchant_id", "=", other.merchantId)
      .executeTakeFirstOrThrow();
    await revokeApiKey(api.db, key.id);
    const answer = await asOther("GET", "/v1/payment-intents");
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe("api_key_revoked");
  });

  it("records when a key was last used, at most once a minute", async () => {
    const fresh = await createTestMerchant(api.db, { name: "Used", evmXpub: null });
    const lastUsed = async () =>
      (
        await api.db
          .selectFrom("api_keys")
          .select("last_used_at")
          .where("merchant_id", "=", fresh.merchantId)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    expect(await lastUsed()).toBeNull();
    const asFresh = apiClient(api.url, fresh.apiKey);
    await asFresh("GET", "/v1/assets");
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await asFresh("GET", "/v1/assets");
    expect(await lastUsed()).toEqual(first);
  });
});

describe("errors and edges", () => {
  it("answers 404 in the envelope for unknown routes, with or without a key", async () => {
    for (const [method, path, key] of [
      ["GET", "/v1/nothing-here", merchant.apiKey],
      ["GET", "/nothing-here", null],
      ["PUT", "/v1/payment-intents", merchant.apiKey],
    ] as const) {
      const answer = await request(method, path, { apiKey: key });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.error.type).toBe("not_found");
    }
  });

  it("authenticates before anything else under /v1", async () => {
    const answer = await request("GET", "/v1/nothing-here", { apiKey: null });
    expect(answer.status).toBe(401);
  });

  it("echoes a sane X-Request-Id and makes one up otherwise", async () => {
    const given = await request("GET", "/v1/assets", { headers: { "X-Request-Id": "abc-123" } });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const made = await request("GET", "/v1/assets", { headers: { "X-Request-Id": "bad id <script>" } });
    expect(made.headers.get("x-request-id")).toMatch(/^req_[0-9a-f-]{36}$/);
  });

  it("serves /healthz on the public port, and no readiness or metrics there", async () => {
    expect((await request("GET", "/healthz", { apiKey: null })).body).toEqual({ status: "ok" });
    for (const path of ["/readyz", "/metrics"]) {
      const answer = await request("GET", path, { apiKey: null });
      expect(answer.status, path).toBe(404);
      expect(answer.body.error.code, path).toBe("resource_missing");
    }
  });

  it("answers readiness and metrics on its ops port, bound to 127.0.0.1 by default", async () => {
    expect(new URL(api.opsUrl).hostname).toBe("127.0.0.1");
    expect(api.opsUrl).not.toBe(api.url);
    const ready = await fetch(`${api.opsUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ok", checks: { database: "ok" } });
    const metrics = await (await fetch(`${api.opsUrl}/metrics`)).text();
    expect(metrics).toContain("# TYPE paygate_intents gauge");
    expect(metrics).toContain("paygate_process_cpu_seconds_total");
  });

  it("is ready when PostgreSQL answers, whether Redis does or not (the API does not use it)", async () => {
    const withoutRedis = await startTestApi({ env: { REDIS_URL: "redis://127.0.0.1:1" } });
    const withoutDatabase = await startTestApi({
      env: { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" },
    });
    try {
      const ready = await fetch(`${withoutRedis.opsUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ok", checks: { database: "ok" } });
      const unready = await fetch(`${withoutDatabase.opsUrl}/readyz`);
      expect(unready.status).toBe(503);
      expect(await unready.json()).toEqual({ status: "unavailable", checks: { database: "unreachable" } });
    } finally {
      await withoutRedis.close();
      await withoutDatabase.close();
    }
  });
});

describe("rate limiting", () => {
  it("answers 429 rate_limited with Retry-After once a key exceeds its limit, per key", async () => {
    const limited = await startTestApi({ rateLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const first = await createTestMerchant(limited.db, { name: "Busy", evmXpub: null });
      const second = await createTestMerchant(limited.db, { name: "Calm", evmXpub: null });
      const busy = apiClient(limited.url, first.apiKey);
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await busy("GET", "/v1/assets")).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await busy("GET", "/v1/assets");
      expect(refused.body.error).toMatchObject({ type: "rate_limited", code: "rate_limited" });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await apiClient(limited.url, second.apiKey)("GET", "/v1/assets")).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

interface LogEntry {
  merchantId?: string;
  req?: { id: string; method: string; path: string };
  res?: { statusCode: number };
}

describe("logs", () => {
  it("carry the request id and merchant id, never the API key", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = loadConfig({
      DATABASE_URL: api.database.url,
      PORT: "0",
      API_OPS_PORT: "0",
      PAYGATE_ENV: "test",
      RATES_FIXED: "ETH:USD=3000",
    });
    // no redaction configured: the request log itself must never carry the key
    const logger = pino({ level: "info" }, sink);
    const logged = await startApi(config, { logger });
    try {
      const asMerchant = apiClient(logged.url, merchant.apiKey);
      await asMerchant("POST", "/v1/payment-intents", {
        body: { amount: "1", currency: "ETH", asset: "ETH", chain: "anvil" },
        headers: { "X-Request-Id": "log-test-1" },
      });
      await asMerchant("GET", "/v1/nothing", { headers: { "X-Request-Id": "log-test-2" } });
    } finally {
      await logged.close();
    }
    const all = lines.join("");
    expect(all).not.toContain(merchant.apiKey);
    expect(all).not.toContain(merchant.apiKey.slice(3, 20));
    const entries = lines.map((line) => JSON.parse(line) as LogEntry);
    const created = entries.find((entry) => entry.req?.id === "log-test-1");
    expect(created).toMatchObject({
      merchantId: merchant.merchantId,
      res: { statusCode: 201 },
      req: { method: "POST", path: "/v1/payment-intents" },
    });
    expect(entries.find((entry) => entry.req?.id === "log-test-2")).toMatchObject({
      res: { statusCode: 404 },
    });
  });
});
