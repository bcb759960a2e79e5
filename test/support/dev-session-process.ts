import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createPool } from "@paygate/shared";
import { deletePrefixKeys, freePort, REDIS_URL, until } from "@paygate/testkit";
import { Redis } from "ioredis";

/**
 * `pnpm dev`, `pnpm demo` and `pnpm paygate ...` as a person runs them from the checkout: through pnpm, whatever
 * the scripts run underneath, each in a process group of its own (as a terminal's foreground job), on free ports,
 * a database of its own (created by dev) and a Redis prefix of its own.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface DevPorts {
  api: number;
  watcher: number;
  dispatcher: number;
  anvil: number;
  receiver: number;
}

export interface DevEnvironment {
  ports: DevPorts;
  env: Record<string, string>;
  /** Drops the database and the Redis keys. */
  cleanUp(): Promise<void>;
}

export async function devEnvironment(extra: Record<string, string> = {}): Promise<DevEnvironment> {
  const database = `paygate_test_devtools_${randomBytes(5).toString("hex")}`;
  const prefix = `paygate-test-${randomBytes(5).toString("hex")}`;
  const ports: DevPorts = {
    api: await freePort(),
    watcher: await freePort(),
    dispatcher: await freePort(),
    anvil: await freePort(),
    receiver: await freePort(),
  };
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${database}`;
  const env = {
    PATH: terminalPath(),
    HOME: process.env.HOME ?? "/tmp",
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL,
    PAYGATE_QUEUE_PREFIX: prefix,
    PORT: String(ports.api),
    WATCHER_PORT: String(ports.watcher),
    DISPATCHER_PORT: String(ports.dispatcher),
    LOG_LEVEL: "info",
    ...extra,
  };
  return {
    ports,
    env,
    async cleanUp() {
      const pool = createPool(adminUrl, { max: 1 });
      try {
        await pool.query(`drop database if exists ${database} with (force)`);
      } finally {
        await pool.end();
      }
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      await deletePrefixKeys(redis, prefix);
      await redis.quit();
    },
  };
}

/**
 * A terminal's PATH: this test runs under `pnpm test`, which puts node_modules/.bin first, and there `node` is the
 * Node 24 package's shell-script shim (a shell that runs node as its child). pnpm's own `#!/usr/bin/env node`
 * would find it, and a group Ctrl-C would kill that shell under pnpm: nothing a person's terminal does.
 */
function terminalPath(): string {
  return (process.env.PATH ?? "")
    .split(":")
    .filter((dir) => !dir.endsWith("node_modules/.bin"))
    .join(":");
}

export interface GroupProcess {
  child: ChildProcess;
  /** stdout and stderr as they came. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` to the whole process group, as a terminal does on Ctrl-C. */
  signalGroup(signal: NodeJS.Signals): void;
  /** SIGKILL to the group if anything of it still runs (test clean-up). */
  kill(): void;
}

/** `pnpm <args>` from the checkout, leading a new process group. */
export function pnpm(args: string[], env: Record<string, string>): GroupProcess {
  const child = spawn("pnpm", args, { cwd: repoRoot, env, detached: true });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const signalGroup = (signal: NodeJS.Signals) => process.kill(-(child.pid as number), signal);
  return {
    child,
    output: () => output,
    exited,
    signalGroup,
    kill() {
      try {
        signalGroup("SIGKILL");
      } catch {
        // the group is gone already
      }
    },
  };
}

/** Starts `pnpm dev` and waits until it printed its banner (everything runs); returns the API key. */
export async function startDev(
  environment: DevEnvironment,
  extraArgs: string[] = [],
): Promise<{ dev: GroupProcess; apiKey: string }> {
  const { ports } = environment;
  const dev = pnpm(
    ["dev", "--anvil-port", String(ports.anvil), "--receiver-port", String(ports.receiver), ...extraArgs],
    environment.env,
  );
  try {
    const apiKey = await until(
      () =>
        /paygate dev is running/.test(dev.output())
          ? /API key\s+(sk_\S+)/.exec(dev.output())?.[1]
          : undefined,
      { timeoutMs: 90_000, message: "paygate dev to print its banner" },
    );
    return { dev, apiKey };
  } catch (error) {
    dev.kill();
    throw new Error(`${(error as Error).message}\noutput:\n${dev.output()}`);
  }
}

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `pnpm --silent <args>` to completion (stdout is then the command's own output, without pnpm's header). */
export function runPnpm(args: string[], env: Record<string, string>): Promise<CommandRun> {
  return new Promise((resolve) => {
    const child = spawn("pnpm", ["--silent", ...args], { cwd: repoRoot, env });
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
