import { type ApiAnswer, apiClient, createTestMerchant, startTestApi, type TestApi } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_IP_LIMITS } from "../deps.ts";

/** The contract's per-IP limits (section 8), over real HTTP. */
let behindProxy: TestApi;
let direct: TestApi;
let apiKey: string;

beforeAll(async () => {
  // the test talks to it over loopback, acting as the proxy: X-Forwarded-For picks each test's client IP
  behindProxy = await startTestApi({ ipLimits: DEFAULT_IP_LIMITS, env: { TRUST_PROXY: "loopback" } });
  direct = await startTestApi({ ipLimits: DEFAULT_IP_LIMITS });
  apiKey = (await createTestMerchant(behindProxy.db, { evmXpub: null })).apiKey;
});

afterAll(async () => {
  await behindProxy?.close();
  await direct?.close();
});

const badKey = `sk_${"A".repeat(43)}`;

async function repeat(times: number, send: () => Promise<ApiAnswer>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i += 1) statuses.push((await send()).status);
  return statuses;
}

function expectRateLimited(answer: ApiAnswer): void {
  expect(answer.status).toBe(429);
  expect(answer.body.error).toMatchObject({ type: "rate_limited", code: "rate_limited" });
  const retryAfter = Number(answer.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe("per client IP", () => {
  it("allows 120 /pay requests a minute, then answers 429 with Retry-After, per IP", async () => {
    const from = (ip: string) =>
      apiClient(behindProxy.url)("GET", "/pay/pi_unknown/status", {
        headers: { "X-Forwarded-For": ip },
      });
    expect(new Set(await repeat(120, () => from("203.0.113.1")))).toEqual(new Set([404]));
    expectRateLimited(await from("203.0.113.1"));
    expectRateLimited(
      await apiClient(behindProxy.url)("GET", "/pay/pi_unknown", {
        headers: { "X-Forwarded-For": "203.0.113.1" },
      }),
    );
    expect((await from("203.0.113.2")).status).toBe(404);
  });

  it("allows 30 failed authentications a minute; then the IP's /v1 requests get 429, even with a good key", async () => {
    const from = (ip: string, key: string) =>
      apiClient(behindProxy.url, key)("GET", "/v1/assets", { headers: { "X-Forwarded-For": ip } });
    // requests that authenticate are not counted
    expect(new Set(await repeat(40, () => from("198.51.100.1", apiKey)))).toEqual(new Set([200]));
    expect(new Set(await repeat(30, () => from("198.51.100.1", badKey)))).toEqual(new Set([401]));
    expectRateLimited(await from("198.51.100.1", badKey));
    expectRateLimited(await from("198.51.100.1", apiKey));
    expect((await from("198.51.100.2", apiKey)).status).toBe(200);
    expect((await from("198.51.100.2", badKey)).status).toBe(401);
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY names the proxy: a client cannot pick a new IP per request", async () => {
    let sent = 0;
    const nextClaimedIp = () => {
      sent += 1;
      return `192.0.2.${sent}`;
    };
    const statuses = await repeat(30, () =>
      apiClient(direct.url, badKey)("GET", "/v1/assets", { headers: { "X-Forwarded-For": nextClaimedIp() } }),
    );
    expect(new Set(statuses)).toEqual(new Set([401]));
    expectRateLimited(
      await apiClient(direct.url, badKey)("GET", "/v1/assets", {
        headers: { "X-Forwarded-For": "192.0.2.251" },
      }),
    );
  });
});
