import { type ChildProcess, execSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createTestDatabase,
  deletePrefixKeys,
  freePort,
  REDIS_URL,
  type TestDatabase,
  until,
} from "@paygate/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The image's runtime stage, reproduced without a Docker engine: the build stage's own `RUN` lines that build
 * and deploy (read from the Dockerfile, the deploy aimed at a temporary folder), then the runtime stage's
 * ENTRYPOINT with its ENV, run from that folder for each service: compiled JavaScript, no TypeScript runner.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8").replace(/\\\n\s*/g, " ");
const stages = dockerfile.split(/^FROM /m).slice(1);
const buildStage = stages.find((stage) => / AS build$/m.test(stage.split("\n")[0] ?? "")) ?? "";
const runtimeStage = stages.at(-1) ?? "";
const buildRuns = [...buildStage.matchAll(/^RUN (.*)$/gm)]
  .map((match) => match[1] ?? "")
  .filter((command) => command === "pnpm build" || / deploy /.test(command));
const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(runtimeStage)?.[1] ?? "[]") as string[];
const imageEnv = Object.fromEntries(
  [...(/^ENV (.*)$/m.exec(runtimeStage)?.[1] ?? "").matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]),
);

const names = ["api", "watcher", "dispatcher"] as const;
type Name = (typeof names)[number];
const prefix = `paygate-test-${randomBytes(5).toString("hex")}`;
const scratch = mkdtempSync(join(tmpdir(), "paygate-image-"));
const app = join(scratch, "app");
/** Where each service answers /readyz: its ops port (the API's public port serves /healthz only). */
const ports = {} as Record<Name, number>;
let apiPublicPort = 0;
const children: ChildProcess[] = [];
let database: TestDatabase;
let env: Record<string, string>;

/** `<entrypoint> <command>` from the deployed folder, as the container runs it; resolves with its output. */
function run(command: string): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const [program, ...args] = entrypoint;
  const child = spawn(program === "node" ? process.execPath : (program ?? ""), [...args, command], {
    cwd: app,
    env,
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

beforeAll(async () => {
  expect(buildRuns).toEqual(["pnpm build", expect.stringMatching(/ \/deploy$/)]);
  for (const command of buildRuns) {
    execSync(command.replace(/ \/deploy$/, ` ${app}`), { cwd: root, stdio: "pipe" });
  }
  database = await createTestDatabase();
  for (const name of names) ports[name] = await freePort();
  apiPublicPort = await freePort();
  env = {
    PATH: process.env.PATH ?? "",
    ...imageEnv,
    DATABASE_URL: database.url,
    REDIS_URL,
    PAYGATE_QUEUE_PREFIX: prefix,
    PORT: String(apiPublicPort),
    API_OPS_PORT: String(ports.api),
    WATCHER_PORT: String(ports.watcher),
    DISPATCHER_PORT: String(ports.dispatcher),
    // production offers no chain by default (anvil only when named): the watcher needs one to watch; nothing
    // answers here, so its polls fail and it keeps retrying, ready all the same (readiness is the database)
    RPC_URL_ANVIL: "http://127.0.0.1:9",
  };
  // a deploy installs the production dependencies from the store: minutes on a loaded machine, once per run
}, 300_000);

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await database?.drop();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  await deletePrefixKeys(redis, prefix);
  await redis.quit();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the runtime image", () => {
  it("runs on the Node major the tests run on, as production", () => {
    const major = /^node:(\d+)-slim /.exec(runtimeStage)?.[1];
    expect(Number(major)).toBeGreaterThanOrEqual(24);
    expect(process.versions.node.split(".")[0]).toBe(major);
    expect(imageEnv).toEqual({ NODE_ENV: "production", PAYGATE_ENV: "production" });
    expect(entrypoint).toEqual(["node", "bin/paygate.mjs"]);
  });

  it("carries compiled JavaScript and production dependencies only", () => {
    const installed = readdirSync(join(app, "node_modules", ".pnpm"));
    // (typescript stays: viem and abitype name it as an optional peer, and pnpm resolves it from the workspace)
    for (const dev of ["tsx@", "vitest@", "@biomejs+", "fast-check@", "node@", "esbuild@"]) {
      expect(
        installed.filter((name) => name.startsWith(dev)),
        dev,
      ).toEqual([]);
    }
    expect(readFileSync(join(app, "bin", "paygate.mjs"), "utf8")).toContain('import("../dist/main.js")');
    const workspace = ["shared", "api", "watcher", "dispatcher"].map((name) =>
      join(app, "node_modules", "@paygate", name),
    );
    for (const folder of [app, ...workspace]) {
      expect(
        existsSync(join(folder, "dist", "index.js")) || existsSync(join(folder, "dist", "main.js")),
      ).toBe(true);
      expect(existsSync(join(folder, "src")), folder).toBe(false);
      const files = readdirSync(join(folder, "dist"), { recursive: true, encoding: "utf8" });
      expect(
        files.filter((file) => /\.ts$|\.test\.js$|(^|\/)testing(\/|$)/.test(file)),
        folder,
      ).toEqual([]);
    }
  });

  it("migrates, then runs the api, the watcher and the dispatcher from the compiled CLI", async () => {
    const migrate = run("migrate");
    expect(await migrate.exited, migrate.output()).toBe(0);
    const services = Object.fromEntries(names.map((name) => [name, run(name)])) as Record<
      Name,
      ReturnType<typeof run>
    >;
    for (const name of names) {
      await until(
        async () => {
          const response = await fetch(`http://127.0.0.1:${ports[name]}/readyz`).catch(() => undefined);
          return response?.status === 200;
        },
        { timeoutMs: 60_000, message: `${name} to be ready: ${services[name].output()}` },
      );
    }
    const health = await fetch(`http://127.0.0.1:${apiPublicPort}/healthz`);
    expect(await health.json()).toEqual({ status: "ok" });
    for (const name of names) {
      services[name].child.kill("SIGTERM");
      expect(await services[name].exited, services[name].output()).toBe(0);
    }
    // three node processes starting and stopping in turn on a shared machine
  }, 120_000);
});
