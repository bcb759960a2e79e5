import { readdirSync, readFileSync } from "node:fs";
import { loadConfig } from "@paygate/shared";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * There is no Docker engine in CI: the compose file and the Dockerfile are checked by reading them. The
 * gateway's environment is run through the real config parser, the way the containers will parse it.
 */
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  restart?: string;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
}

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
// merge: compose resolves `<<: *anchor` keys; so must the parser
const compose = parse(read("docker-compose.yml"), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const service = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no ${name} service`);
  return found;
};
/** `${NAME:-default}` as compose interpolates it with nothing set in the shell. */
const withDefaults = (environment: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name,
      value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, (_match, fallback: string) => fallback),
    ]),
  );

const gateway = { api: 3000, watcher: 3001, dispatcher: 3002 } as const;

describe("docker-compose.yml", () => {
  it("runs PostgreSQL 16 with a trusted paygate database, a health check and a named volume", () => {
    const postgres = service("postgres");
    expect(postgres.image).toBe("postgres:16");
    expect(postgres.environment).toMatchObject({
      POSTGRES_HOST_AUTH_METHOD: "trust",
      POSTGRES_DB: "paygate",
    });
    expect(postgres.ports).toContain("5432:5432");
    expect(postgres.healthcheck?.test).toContain("pg_isready");
    const volume = postgres.volumes?.[0]?.split(":")[0] ?? "";
    expect(compose.volumes).toHaveProperty(volume);
  });

  it("runs Redis 7 persistent and never evicting, with a health check and a named volume", () => {
    const redis = service("redis");
    expect(redis.image).toBe("redis:7");
    const flags = (redis.command ?? []).join(" ");
    expect(flags).toContain("--appendonly yes");
    expect(flags).toContain("--maxmemory-policy noeviction");
    expect(redis.healthcheck?.test?.join(" ")).toContain("redis-cli ping");
    const volume = redis.volumes?.[0]?.split(":")[0] ?? "";
    expect(compose.volumes).toHaveProperty(volume);
  });

  it("runs Anvil on chain 31337 reachable from other containers, with a health check", () => {
    const anvil = service("anvil");
    expect(anvil.image).toBe("ghcr.io/foundry-rs/foundry");
    expect(anvil.entrypoint?.join(" ")).toBe("anvil --host 0.0.0.0 --chain-id 31337 --block-time 2");
    expect(anvil.ports).toContain("8545:8545");
    expect(anvil.healthcheck?.test?.join(" ")).toContain("cast block-number");
  });

  it("builds one image for the migrate, api, watcher and dispatcher services", () => {
    for (const name of ["migrate", ...Object.keys(gateway)]) {
      const container = service(name);
      expect(container.build, name).toBe(".");
      expect(container.image, name).toBe("paygate:local");
    }
    expect(service("migrate").command).toEqual(["migrate"]);
    expect(service("migrate").restart).toBe("no");
    expect(service("migrate").depends_on).toEqual({ postgres: { condition: "service_healthy" } });
  });

  it.each(Object.entries(gateway))("runs %s on port %i with a /readyz health check", (name, port) => {
    const container = service(name);
    expect(container.command).toEqual([name]);
    expect(container.ports).toContain(`${port}:${port}`);
    expect(container.healthcheck?.test).toEqual([
      "CMD",
      "node",
      "packages/cli/bin/healthcheck.mjs",
      String(port),
    ]);
    expect(container.restart).toBe("unless-stopped");
  });

  it("starts the services once their dependencies are healthy and the migrations succeeded", () => {
    const needs = {
      api: ["postgres", "redis"],
      watcher: ["postgres", "anvil"],
      dispatcher: ["postgres", "redis"],
    };
    for (const [name, backing] of Object.entries(needs)) {
      const dependsOn = service(name).depends_on ?? {};
      for (const dependency of backing) {
        expect(dependsOn[dependency], `${name} -> ${dependency}`).toEqual({ condition: "service_healthy" });
        expect(service(dependency).healthcheck?.test, dependency).toBeDefined();
      }
      expect(dependsOn.migrate).toEqual({ condition: "service_completed_successfully" });
    }
  });

  it("gives every gateway service an environment the config accepts, pointing at the compose services", () => {
    for (const name of ["migrate", ...Object.keys(gateway)] as const) {
      const environment = withDefaults(service(name).environment ?? {});
      const config = loadConfig(environment);
      expect(new URL(config.databaseUrl).hostname, name).toBe("postgres");
      expect(new URL(config.databaseUrl).pathname).toBe(`/${service("postgres").environment?.POSTGRES_DB}`);
      expect(new URL(config.redisUrl).hostname).toBe("redis");
      expect(config.chains.find((chain) => chain.id === "anvil")?.rpcUrls).toEqual(["http://anvil:8545"]);
      expect(config.env).toBe("production");
      expect({ api: config.port, ...config.opsPorts }).toEqual(gateway);
    }
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? "";
  const lines = (text: string) => text.replace(/\\\n\s*/g, " ").split("\n");

  it("builds on node 20 slim in stages and runs the CLI as a non-root user with a health check", () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    // every stage starts from node 20 slim, directly or through an earlier stage
    const names = stages.map((stage) => / AS (\S+)/.exec(stage.split("\n")[0] ?? "")?.[1]);
    for (const stage of stages) {
      const from = stage.split(/[\s]/)[0] ?? "";
      expect(from === "node:20-slim" || names.includes(from), from).toBe(true);
    }
    expect(runtime).toMatch(/^node:20-slim /);
    expect(runtime).toMatch(/^USER node$/m);
    expect(lines(runtime).join("\n")).toMatch(
      /^HEALTHCHECK .*CMD \["node", "packages\/cli\/bin\/healthcheck.mjs"\]$/m,
    );
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "packages\/cli\/bin\/paygate.mjs"\]$/m);
  });

  it("installs with CI's commands and pnpm version, production dependencies only in the final image", () => {
    // CI is .ci/run plus the scripts it runs (scripts/setup.sh installs)
    const entry = read(".ci/run");
    const ci = [entry, ...[...entry.matchAll(/^bash (\S+)$/gm)].map((match) => read(match[1]!))].join("\n");
    expect(ci).toMatch(/^\s*pnpm install --frozen-lockfile$/m);
    const ciPnpmMajor = /npm install -g pnpm@(\d+)/.exec(ci)?.[1];
    const runs = lines(dockerfile).filter((line) => line.startsWith("RUN "));
    expect(runs).toContain("RUN pnpm install --frozen-lockfile");
    expect(runs).toContain('RUN pnpm install --frozen-lockfile --prod --filter "!@paygate/devtools"');
    expect(runs).toContain("RUN pnpm lint && pnpm typecheck");
    for (const script of ["lint", "typecheck"]) expect(ci).toContain(`pnpm ${script}`);
    const packageManager = JSON.parse(read("package.json")).packageManager as string;
    expect(runs).toContain(`RUN npm install -g ${packageManager}`);
    expect(packageManager.startsWith(`pnpm@${ciPnpmMajor}.`)).toBe(true);
    // the final stage installs nothing: it copies the production install and the sources
    expect(runtime).not.toMatch(/^RUN /m);
    expect(runtime).toMatch(/^COPY --from=prod-deps /m);
  });

  it("copies every workspace package's manifest before installing, so the frozen lockfile matches", () => {
    const packages = readdirSync(new URL("../packages", import.meta.url)).map((name) => `packages/${name}`);
    for (const dir of [...packages, "test"]) {
      expect(dockerfile, dir).toContain(`COPY ${dir}/package.json ${dir}/`);
    }
    for (const dir of packages.filter((dir) => dir !== "packages/cli" && dir !== "packages/devtools")) {
      expect(runtime, dir).toContain(`COPY --from=check /app/${dir}/src ${dir}/src`);
    }
    // the dev tools never reach the image: paygate dev, demo and pay say they are not installed
    expect(runtime).not.toContain("packages/devtools");
  });
});
