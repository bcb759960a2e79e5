import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  createTestDatabase,
  deletePrefixKeys,
  freePort,
  REDIS_URL,
  startAnvil,
  type TestAnvil,
  type TestDatabase,
  testRedisPrefix,
  until,
} from "@paygate/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `paygate api | watcher | dispatcher` as compose runs them: one process each, configured from the environment,
 * each answering /healthz, /readyz and /metrics on its own port, each stopping cleanly on SIGTERM.
 */
const bin = fileURLToPath(new URL("../packages/cli/bin/paygate.mjs", import.meta.url));
const prefix = testRedisPrefix();
const names = ["api", "watcher", "dispatcher"] as const;
type Name = (typeof names)[number];

let anvil: TestAnvil;
let database: TestDatabase;
/** Each service's ops port (/healthz, /readyz, /metrics); the API also has its public port. */
const ports = {} as Record<Name, number>;
let apiPort: number;
const services = {} as Record<
  Name,
  { process: ChildProcess; output: string; exited: Promise<number | null> }
>;

const url = (name: Name, path: string) => `http://127.0.0.1:${ports[name]}${path}`;

beforeAll(async () => {
  anvil = await startAnvil();
  database = await createTestDatabase();
  for (const name of names) ports[name] = await freePort();
  apiPort = await freePort();
  const env = {
    PATH: process.env.PATH ?? "",
    DATABASE_URL: database.url,
    REDIS_URL,
    PAYGATE_QUEUE_PREFIX: prefix,
    PAYGATE_ENV: "test",
    LOG_LEVEL: "info",
    RPC_URL_ANVIL: anvil.rpcUrl,
    PORT: String(apiPort),
    API_OPS_PORT: String(ports.api),
    WATCHER_PORT: String(ports.watcher),
    DISPATCHER_PORT: String(ports.dispatcher),
  };
  for (const name of names) {
    const child = spawn(process.execPath, [bin, name], { env });
    const service = {
      process: child,
      output: "",
      exited: new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code))),
    };
    const collect = (chunk: Buffer) => {
      service.output += chunk;
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    services[name] = service;
  }
  for (const name of names) {
    await until(async () => (await fetch(url(name, "/readyz"))).status === 200, {
      timeoutMs: 30_000,
      message: `${name} to be ready`,
    });
  }
}, 60_000);

afterAll(async () => {
  for (const name of names) {
    const child = services[name]?.process;
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  await anvil?.stop();
  await database?.drop();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  await deletePrefixKeys(redis, prefix);
  await redis.quit();
});

async function scrape(name: Name): Promise<string> {
  const response = await fetch(url(name, "/metrics"));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

describe("paygate api | watcher | dispatcher", () => {
  it("answer /healthz and /readyz with the dependencies each one uses", async () => {
    const expected: Record<Name, Record<string, string>> = {
      api: { database: "ok" },
      watcher: { database: "ok" },
      dispatcher: { database: "ok", redis: "ok" },
    };
    for (const name of names) {
      expect(await (await fetch(url(name, "/healthz"))).json()).toEqual({ status: "ok" });
      expect(await (await fetch(url(name, "/readyz"))).json()).toEqual({
        status: "ok",
        checks: expected[name],
      });
    }
    // the API's public port answers /healthz only of the three
    expect((await fetch(`http://127.0.0.1:${apiPort}/healthz`)).status).toBe(200);
    for (const path of ["/readyz", "/metrics"])
      expect((await fetch(`http://127.0.0.1:${apiPort}${path}`)).status, path).toBe(404);
  });

  it("serve their named metrics as Prometheus text, beside the process metrics", async () => {
    const api = await scrape("api");
    for (const state of ["awaiting_payment", "pending", "confirmed", "underpaid", "expired", "canceled"])
      expect(api).toContain(`paygate_intents{state="${state}"} 0`);

    await until(
      async () => /^paygate_watcher_head_lag_blocks\{chain="anvil"\} 0$/m.test(await scrape("watcher")),
      {
        timeoutMs: 15_000,
        message: "the watcher to report its head lag",
      },
    );
    await anvil.mine(3);
    await until(
      async () => /^paygate_watcher_head_block\{chain="anvil"\} [3-9]\d*$/m.test(await scrape("watcher")),
      { timeoutMs: 15_000, message: "the watcher to see the mined blocks" },
    );
    const watcher = await scrape("watcher");
    expect(watcher).toMatch(
      /^paygate_watcher_rpc_calls_total\{chain="anvil",method="eth_getBlockByNumber"\} \d+$/m,
    );
    expect(watcher).toContain("# TYPE paygate_watcher_reorgs_total counter");

    const dispatcher = await scrape("dispatcher");
    expect(dispatcher).toContain("# TYPE paygate_webhook_attempts_total counter");
    expect(dispatcher).toContain("# TYPE paygate_webhook_attempt_duration_seconds histogram");
    expect(dispatcher).toMatch(/^paygate_webhook_delivery_latency_seconds_count 0$/m);
    for (const text of [api, watcher, dispatcher])
      expect(text).toContain("# TYPE paygate_process_cpu_seconds_total");
  });

  it.each(names)(
    "%s stops on SIGTERM with exit code 0",
    async (name) => {
      const service = services[name];
      service.process.kill("SIGTERM");
      expect(await service.exited, service.output.slice(-2000)).toBe(0);
      expect(service.output).toMatch(/shutting down/);
      await expect(fetch(url(name, "/healthz"))).rejects.toThrow();
    },
    30_000,
  );
});
