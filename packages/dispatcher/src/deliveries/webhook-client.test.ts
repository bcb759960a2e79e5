import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig, type ResolveHost } from "@paygate/shared";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { guardedLookup } from "./guarded-lookup.ts";
import { createWebhookClient } from "./webhook-client.ts";

/** The contract's 20,000 bytes, as the configuration gives it. */
const RESPONSE_BODY_LIMIT = loadConfig({}).webhooks.responseBodyLimitBytes;

/** Stubbed DNS (there is no DNS server here): each name answers what the test says. */
const dns: Record<string, string[]> = {
  "private.example": ["10.0.0.5"],
  "metadata.example": ["169.254.169.254"],
  "mixed.example": ["93.184.216.34", "10.1.2.3"],
  "loopback.example": ["127.0.0.1"],
  "mapped.example": ["::ffff:192.168.0.1"],
  "compatible.example": ["::8.8.8.8"],
  "public.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
};
const resolveHost: ResolveHost = async (hostname) => {
  const answers = dns[hostname];
  if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};

const webhook = (url: string) => ({ url, body: "{}", headers: { "content-type": "application/json" } });

let target: Server;
let targetHits = 0;
let redirector: Server;
let targetUrl: string;
let redirectorUrl: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  target = createServer((_request, response) => {
    targetHits += 1;
    response.end("x".repeat(RESPONSE_BODY_LIMIT + 5000));
  });
  targetUrl = await listen(target);
  redirector = createServer((_request, response) => {
    response.writeHead(302, { location: `${targetUrl}/internal` }).end("moved");
  });
  redirectorUrl = await listen(redirector);
});

afterAll(async () => {
  target.closeAllConnections();
  redirector.closeAllConnections();
  await Promise.all([new Promise((r) => target.close(r)), new Promise((r) => redirector.close(r))]);
});

describe("SSRF guard outside development", () => {
  const client = createWebhookClient({
    env: "production",
    allowedCidrs: [],
    connectTimeoutMs: 1000,
    totalTimeoutMs: 2000,
    responseBodyLimitBytes: RESPONSE_BODY_LIMIT,
    resolveHost,
  });
  afterAll(() => client.close());

  test.each([
    ["https://127.1/hook", "127.0.0.1 is a loopback address"],
    ["https://2130706433/hook", "127.0.0.1 is a loopback address"],
    ["https://0x7f.1/hook", "127.0.0.1 is a loopback address"],
    ["https://[::1]/hook", "::1 is a loopback address"],
    ["https://[::ffff:127.0.0.1]/hook", "127.0.0.1 is a loopback address"],
    ["https://169.254.169.254/latest/meta-data", "169.254.169.254 is a linkLocal address"],
    ["https://10.0.0.1/hook", "10.0.0.1 is a private address"],
    ["https://172.16.5.4/hook", "172.16.5.4 is a private address"],
    ["https://192.168.1.1/hook", "192.168.1.1 is a private address"],
    ["https://100.64.0.1/hook", "100.64.0.1 is a carrierGradeNat address"],
    ["https://[fd00::1]/hook", "fd00::1 is a uniqueLocal address"],
    ["https://0.0.0.0/hook", "0.0.0.0 is a unspecified address"],
    ["https://224.0.0.1/hook", "224.0.0.1 is a multicast address"],
    ["https://[::127.0.0.1]/hook", "::7f00:1 is a ipv4Compatible address"],
    ["https://[::a00:1]/hook", "::a00:1 is a ipv4Compatible address"],
    ["https://[100::1]/hook", "100::1 is a discard address"],
    ["https://[5f00::1]/hook", "5f00::1 is a segmentRouting address"],
    ["https://[4000::1]/hook", "4000::1 is a nonGlobal address"],
    ["https://private.example/hook", "private.example does not resolve to public addresses only"],
    ["https://metadata.example/hook", "metadata.example does not resolve to public addresses only"],
    ["https://mixed.example/hook", "mixed.example does not resolve to public addresses only"],
    ["https://mapped.example/hook", "mapped.example does not resolve to public addresses only"],
    ["https://compatible.example/hook", "compatible.example does not resolve to public addresses only"],
    ["https://loopback.example/hook", "loopback.example does not resolve to public addresses only"],
    ["https://public.example:22/hook", "port 22 is not allowed for webhooks (allowed: 443, 8443)"],
    ["http://public.example/hook", "must use https"],
    ["https://user:pass@public.example/hook", "must not carry credentials"],
  ])("%s is refused with a clear reason", async (url, reason) => {
    const result = await client.send(webhook(url));
    expect(result).toMatchObject({ kind: "error", statusCode: null });
    expect(result.error).toContain("blocked: ");
    expect(result.error).toContain(reason);
  });

  test("a refusal never says what a name resolved to", async () => {
    for (const [name, addresses] of Object.entries(dns)) {
      if (name === "public.example") continue;
      const result = await client.send(webhook(`https://${name}/hook`));
      expect(result.error).toBe(`blocked: ${name} does not resolve to public addresses only`);
      for (const address of addresses) expect(result.error).not.toContain(address);
    }
  });

  test("WEBHOOK_ALLOWED_PORTS names the ports a URL may use", async () => {
    const custom = createWebhookClient({
      env: "production",
      allowedCidrs: [],
      allowedPorts: [9443],
      connectTimeoutMs: 1000,
      totalTimeoutMs: 2000,
      responseBodyLimitBytes: 20_000,
      resolveHost,
    });
    expect((await custom.send(webhook("https://public.example/hook"))).error).toContain(
      "port 443 is not allowed for webhooks (allowed: 9443)",
    );
    expect((await custom.send(webhook("https://loopback.example:9443/hook"))).error).toContain(
      "does not resolve to public addresses only",
    );
    await custom.close();
  });
});

describe("the guarded lookup", () => {
  const lookup = (hostname: string, allowedCidrs: string[], all = true) =>
    new Promise<{ error: Error | null; addresses: unknown }>((resolve) =>
      guardedLookup(resolveHost, allowedCidrs)(hostname, { all }, (error, addresses) =>
        resolve({ error, addresses }),
      ),
    );

  test("passes every public address through", async () => {
    expect(await lookup("public.example", [])).toEqual({
      error: null,
      addresses: [
        { address: "93.184.216.34", family: 4 },
        { address: "2606:2800:220:1:248:1893:25c8:1946", family: 6 },
      ],
    });
  });

  test("WEBHOOK_ALLOWED_CIDRS lets a LAN address through, and only that range", async () => {
    expect((await lookup("private.example", ["10.0.0.0/24"])).error).toBeNull();
    expect((await lookup("mixed.example", ["10.0.0.0/24"])).error?.message).toBe(
      "blocked: mixed.example does not resolve to public addresses only",
    );
    expect((await lookup("mapped.example", ["192.168.0.0/16"])).error).toBeNull();
  });

  test("a name that does not resolve is an error, not a connection", async () => {
    expect((await lookup("nowhere.example", [])).error?.message).toContain("ENOTFOUND");
  });
});

describe("responses", () => {
  const client = createWebhookClient({
    env: "development",
    allowedCidrs: [],
    connectTimeoutMs: 1000,
    totalTimeoutMs: 2000,
    responseBodyLimitBytes: RESPONSE_BODY_LIMIT,
  });
  afterAll(() => client.close());

  test("a 302 to an internal URL is recorded as it is and never followed", async () => {
    const before = targetHits;
    const result = await client.send(webhook(`${redirectorUrl}/hook`));
    expect(result).toMatchObject({ kind: "response", statusCode: 302, responseBody: "moved" });
    expect(targetHits).toBe(before);
  });

  test("keeps the first 20,000 bytes of the response body", async () => {
    const result = await client.send(webhook(`${targetUrl}/hook`));
    expect(result.statusCode).toBe(200);
    expect(result.responseBody).toHaveLength(RESPONSE_BODY_LIMIT);
  });

  test("a refused connection is an error with its reason", async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const result = await client.send(webhook(`${url}/hook`));
    expect(result).toMatchObject({ kind: "error", statusCode: null });
    expect(result.error).toContain("ECONNREFUSED");
  });
});
