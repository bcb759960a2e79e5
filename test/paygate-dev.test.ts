import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPool } from "@paygate/shared";
import {
  ANVIL_MNEMONIC,
  deletePrefixKeys,
  freePort,
  REDIS_URL,
  testRedisPrefix,
  until,
} from "@paygate/testkit";
import { Redis } from "ioredis";
import { mnemonicToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `paygate dev` and `paygate demo` as a user runs them: real child processes against real PostgreSQL, Redis and
 * the bundled Anvil, on ports and a database of their own (which dev creates: it does not exist beforehand).
 */
const bin = fileURLToPath(new URL("../packages/cli/bin/paygate.mjs", import.meta.url));
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const database = `paygate_test_dev_${randomBytes(5).toString("hex")}`;
const prefix = testRedisPrefix();

let ports: {
  api: number;
  apiOps: number;
  watcher: number;
  dispatcher: number;
  anvil: number;
  receiver: number;
};
let env: Record<string, string>;
let dev: ChildProcess;
let output = "";
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let apiKey: string;

/** Starts `paygate dev` and waits for the API key it prints. */
async function startDev(): Promise<void> {
  output = "";
  dev = spawn(
    process.execPath,
    [bin, "dev", "--anvil-port", String(ports.anvil), "--receiver-port", String(ports.receiver)],
    { env },
  );
  const child = dev;
  exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const collect = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  try {
    apiKey = await until(() => /API key\s+(sk_\S+)/.exec(output)?.[1], {
      timeoutMs: 60_000,
      message: "paygate dev to print its API key",
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\noutput:\n${output}`);
  }
}
const url = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;

async function admin(statement: string): Promise<void> {
  const pool = createPool(adminUrl, { max: 1 });
  try {
    await pool.query(statement);
  } finally {
    await pool.end();
  }
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A zombie counts as gone: an init that does not reap (some containers) keeps it listed. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const portRefuses = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });

beforeAll(async () => {
  ports = {
    api: await freePort(),
    apiOps: await freePort(),
    watcher: await freePort(),
    dispatcher: await freePort(),
    anvil: await freePort(),
    receiver: await freePort(),
  };
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${database}`;
  env = {
    PATH: process.env.PATH ?? "",
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL,
    PAYGATE_QUEUE_PREFIX: prefix,
    PORT: String(ports.api),
    API_OPS_PORT: String(ports.apiOps),
    WATCHER_PORT: String(ports.watcher),
    DISPATCHER_PORT: String(ports.dispatcher),
    LOG_LEVEL: "info",
  };
  await startDev();
}, 90_000);

afterAll(async () => {
  if (dev && dev.exitCode === null && dev.signalCode === null) dev.kill("SIGKILL");
  await admin(`drop database if exists ${database} with (force)`);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  await deletePrefixKeys(redis, prefix);
  await redis.quit();
});

describe("paygate dev", () => {
  it("prints the webhook secret and a curl that works with the printed key", async () => {
    expect(output).toMatch(/Webhook secret\s+whsec_[A-Za-z0-9+/=]{32}/);
    expect(output).toContain(`curl -s -X POST http://127.0.0.1:${ports.api}/v1/payment-intents`);
    expect(output).toContain(`Authorization: Bearer ${apiKey}`);

    const response = await fetch(url(ports.api, "/v1/payment-intents"), {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ amount: "10.00", currency: "USD", asset: "ETH", chain: "anvil" }),
    });
    expect(response.status).toBe(201);
    const intent = (await response.json()) as { address: string };
    expect(intent).toMatchObject({ status: "awaiting_payment", chain: "anvil", required_confirmations: 2 });
    // the demo wallet is the Anvil account xpub: the first deposit address is Anvil's first funded account
    expect(intent.address).toBe(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 }).address);
  });

  it("answers /healthz and /readyz on every service's ops port", async () => {
    for (const port of [ports.apiOps, ports.watcher, ports.dispatcher]) {
      expect((await fetch(url(port, "/healthz"))).status).toBe(200);
      const ready = await fetch(url(port, "/readyz"));
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ok", checks: { database: "ok" } });
    }
    expect(await (await fetch(url(ports.dispatcher, "/readyz"))).json()).toMatchObject({
      checks: { redis: "ok" },
    });
  });

  it("runs `paygate demo` against it: pays an intent on Anvil and prints the verified webhooks", async () => {
    const demo = await run(["demo", "--timeout", "45"]);
    expect(demo.code, `${demo.stdout}\n${demo.stderr}`).toBe(0);
    expect(demo.stdout).toMatch(
      /webhook payment\.confirmed\s+evt_\S+\s+sequence \d+\s+status confirmed\s+signature verified/,
    );
    expect(demo.stdout).toMatch(/intent pi_\S+ is confirmed/);
    expect(demo.stdout).not.toContain("REFUSED");
    // dev's own receiver got them too, and verified them
    await until(() => /payment\.confirmed: signature verified/.test(output), {
      timeoutMs: 15_000,
      message: "dev's receiver to log the confirmed webhook",
    });
  }, 60_000);

  it("serves Prometheus metrics on every service", async () => {
    const scrape = async (port: number) => {
      const response = await fetch(url(port, "/metrics"));
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      return response.text();
    };
    const api = await scrape(ports.apiOps);
    expect(api).toContain("# TYPE paygate_intents gauge");
    expect(api).toMatch(/^paygate_intents\{state="confirmed"\} 1$/m);
    expect(api).toMatch(/^paygate_intents\{state="awaiting_payment"\} 1$/m);
    expect(api).toContain("paygate_process_cpu_seconds_total");

    const watcher = await scrape(ports.watcher);
    expect(watcher).toMatch(/^paygate_watcher_head_lag_blocks\{chain="anvil"\} \d+$/m);
    expect(watcher).toMatch(/^paygate_watcher_active\{chain="anvil"\} 1$/m);
    expect(watcher).toMatch(/^paygate_watcher_blocks_scanned_total\{chain="anvil"\} [1-9]\d*$/m);

    const dispatcher = await scrape(ports.dispatcher);
    expect(dispatcher).toMatch(/^paygate_webhook_attempts_total\{outcome="success"\} [1-9]\d*$/m);
    expect(dispatcher).toMatch(/^paygate_webhook_delivery_latency_seconds_count [1-9]\d*$/m);
    expect(dispatcher).toContain("# TYPE paygate_webhook_attempt_duration_seconds histogram");
  });

  it("stops everything on SIGTERM: exit code 0, Anvil gone, session file removed", async () => {
    const children = (() => {
      try {
        return execFileSync("pgrep", ["-P", String(dev.pid)], { encoding: "utf8" })
          .split("\n")
          .filter(Boolean);
      } catch {
        return [];
      }
    })();
    dev.kill("SIGTERM");
    const { code, signal } = await exited;
    expect({ code, signal }, output.slice(-2000)).toEqual({ code: 0, signal: null });
    expect(output).toContain("paygate dev stopped");
    expect(await portRefuses(ports.anvil)).toBe(true);
    for (const pid of children) expect(running(Number(pid)), `child ${pid}`).toBe(false);
    for (const port of [ports.api, ports.apiOps, ports.watcher, ports.dispatcher, ports.receiver])
      expect(await portRefuses(port), `port ${port}`).toBe(true);
    expect(existsSync(join(tmpdir(), `paygate-dev-${ports.api}.json`))).toBe(false);
  }, 30_000);

  it("starts again on the same database: same merchant, a new key, earlier intents intact", async () => {
    const merchant = /Merchant\s+(mer_\S+)/.exec(output)?.[1];
    const firstKey = apiKey;
    await startDev();
    expect(apiKey).not.toBe(firstKey);
    expect(/Merchant\s+(mer_\S+)/.exec(output)?.[1]).toBe(merchant);
    const intents = await fetch(url(ports.api, "/v1/payment-intents"), {
      headers: { authorization: `Bearer ${apiKey}` },
    }).then((response) => response.json() as Promise<{ data: { status: string }[] }>);
    expect(intents.data.map((intent) => intent.status).sort()).toEqual(["awaiting_payment", "confirmed"]);
    // the new chain is watched from its own head (the old checkpoint was for blocks that are gone)
    await until(
      async () =>
        /^paygate_watcher_active\{chain="anvil"\} 1$/m.test(
          await (await fetch(url(ports.watcher, "/metrics"))).text(),
        ),
      { timeoutMs: 15_000, message: "the watcher to scan the new chain" },
    );
    expect(output).not.toMatch(/FATAL|ERROR/);
    dev.kill("SIGTERM");
    expect(await exited).toEqual({ code: 0, signal: null });
  }, 90_000);

  it("says what to run when PostgreSQL is not reachable, and exits non-zero", async () => {
    const closed = await freePort();
    const failed = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, "dev", "--anvil-port", String(ports.anvil)], {
        env: { ...env, DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/paygate` },
      });
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      child.on("exit", (code) => resolve({ code, stderr }));
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      `PostgreSQL is not reachable at postgres://***@127.0.0.1:${closed}/paygate`,
    );
    expect(failed.stderr).toContain("docker compose --profile dev up -d postgres-dev-port redis-dev-port");
    expect(failed.stderr).toContain("sudo service postgresql start");
    expect(await portRefuses(ports.anvil)).toBe(true);
  });
});
