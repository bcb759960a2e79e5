import { readdirSync, readFileSync } from "node:fs";
import { isChainEnabled, loadConfig } from "@paygate/shared";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * There is no Docker engine in CI: the compose file and the Dockerfile are checked by reading them, with
 * compose's variable interpolation applied the way `docker compose` applies it. The gateway's environment is
 * run through the real config parser, the way the containers will parse it.
 */
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  profiles?: string[];
  volumes?: string[];
  restart?: string;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
// merge: compose resolves `<<: *anchor` keys; so must the parser
const raw = parse(read("docker-compose.yml"), { merge: true }) as ComposeFile;

class MissingVariableError extends Error {}

/** Compose's interpolation: `${NAME}`, `${NAME:-default}`, `${NAME:?error}` (unset or empty fails), `$$`. */
function interpolate<T>(value: T, env: Record<string, string>): T {
  if (typeof value === "string") {
    return value.replace(
      /\$\$|\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g,
      (match, name: string, operator: string, argument: string) => {
        if (match === "$$") return "$";
        const set = env[name] ?? "";
        if (operator === "?" && set === "") throw new MissingVariableError(`${name}: ${argument}`);
        if (operator === "-" && set === "") return argument;
        return set;
      },
    ) as T;
  }
  if (Array.isArray(value)) return value.map((item) => interpolate(item, env)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item, env)])) as T;
  }
  return value;
}

/** `.env.example`: its settings, and those of its commented-out dev section. */
function envExample(): { production: Record<string, string>; dev: Record<string, string> } {
  const lines = read(".env.example").split("\n");
  const devStart = lines.findIndex((line) => line.includes("dev profile only"));
  const settings = (from: string[], pattern: RegExp) =>
    Object.fromEntries(from.flatMap((line) => (pattern.exec(line) ? [pattern.exec(line)!.slice(1, 3)] : [])));
  return {
    production: settings(lines, /^([A-Z_0-9]+)=(.*)$/),
    dev: settings(lines.slice(devStart + 1), /^# ([A-Z_0-9]+)=(.*)$/),
  };
}

const passwords = { POSTGRES_PASSWORD: "pgsecret123", REDIS_PASSWORD: "redissecret456" };
const compose = interpolate(raw, { ...envExample().production, ...passwords });
const service = (name: string, file: ComposeFile = compose): Service => {
  const found = file.services[name];
  if (!found) throw new Error(`docker-compose.yml has no ${name} service`);
  return found;
};
const inDevProfile = (container: Service) => container.profiles?.includes("dev") === true;

const gateway = { api: 3003, watcher: 3001, dispatcher: 3002 } as const;

describe("docker-compose.yml", () => {
  it("refuses to start without the PostgreSQL and Redis passwords", () => {
    expect(() => interpolate(raw, {})).toThrow(MissingVariableError);
    expect(() => interpolate(raw, { POSTGRES_PASSWORD: "set" })).toThrow(/REDIS_PASSWORD/);
    expect(() => interpolate(raw, { REDIS_PASSWORD: "set" })).toThrow(/POSTGRES_PASSWORD/);
    // .env.example leaves them empty, which compose treats as unset: it cannot be used as it is
    expect(envExample().production).toMatchObject({ POSTGRES_PASSWORD: "", REDIS_PASSWORD: "" });
    expect(() => interpolate(raw, envExample().production)).toThrow(MissingVariableError);
  });

  it("runs PostgreSQL 16 with a password, no trust auth, a health check and a named volume", () => {
    const postgres = service("postgres");
    expect(postgres.image).toBe("postgres:16");
    expect(postgres.environment).toEqual({
      POSTGRES_PASSWORD: passwords.POSTGRES_PASSWORD,
      POSTGRES_DB: "paygate",
    });
    expect(postgres.healthcheck?.test).toContain("pg_isready");
    const volume = postgres.volumes?.[0]?.split(":")[0] ?? "";
    expect(compose.volumes).toHaveProperty(volume);
  });

  it("runs Redis 7 persistent, never evicting and with a password, with a health check and a named volume", () => {
    const redis = service("redis");
    expect(redis.image).toBe("redis:7");
    const flags = (redis.command ?? []).join(" ");
    expect(flags).toContain("--appendonly yes");
    expect(flags).toContain("--maxmemory-policy noeviction");
    expect(flags).toContain(`--requirepass ${passwords.REDIS_PASSWORD}`);
    expect(redis.healthcheck?.test?.join(" ")).toContain("redis-cli ping");
    // redis-cli reads its password from REDISCLI_AUTH, so the health check authenticates
    expect(redis.environment?.REDISCLI_AUTH).toBe(passwords.REDIS_PASSWORD);
    const volume = redis.volumes?.[0]?.split(":")[0] ?? "";
    expect(compose.volumes).toHaveProperty(volume);
  });

  it("publishes only the API's public port outside the dev profile", () => {
    const published = Object.entries(compose.services)
      .filter(([, container]) => !inDevProfile(container) && container.ports !== undefined)
      .map(([name, container]) => [name, container.ports]);
    expect(published).toEqual([["api", ["3000:3000"]]]);
  });

  it("keeps Anvil in the dev profile, and publishes PostgreSQL and Redis there on 127.0.0.1 only", () => {
    const anvil = service("anvil");
    expect(anvil.profiles).toEqual(["dev"]);
    expect(anvil.image).toBe("ghcr.io/foundry-rs/foundry");
    expect(anvil.entrypoint?.join(" ")).toBe("anvil --host 0.0.0.0 --chain-id 31337 --block-time 2");
    expect(anvil.ports).toBeUndefined();
    expect(anvil.healthcheck?.test?.join(" ")).toContain("cast block-number");

    const dev = Object.entries(compose.services).filter(([, container]) => inDevProfile(container));
    const relayed = new Map<string, string[]>();
    for (const [name, container] of dev) {
      for (const port of container.ports ?? []) {
        expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
        const target = /tcp-connect:([a-z]+):(\d+)/.exec(container.command?.join(" ") ?? "");
        relayed.set(`${target?.[1]}:${target?.[2]}`, [port]);
      }
    }
    expect(Object.fromEntries(relayed)).toEqual({
      "postgres:5432": ["127.0.0.1:5432:5432"],
      "redis:6379": ["127.0.0.1:6379:6379"],
    });
  });

  it("starts without the dev profile: no service outside it depends on one inside it", () => {
    for (const [name, container] of Object.entries(compose.services)) {
      if (inDevProfile(container)) continue;
      for (const dependency of Object.keys(container.depends_on ?? {})) {
        expect(inDevProfile(service(dependency)), `${name} -> ${dependency}`).toBe(false);
      }
    }
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

  it.each(Object.entries(gateway))("checks %s's health with /readyz on its ops port %i", (name, port) => {
    const container = service(name);
    expect(container.command).toEqual([name]);
    expect(container.healthcheck?.test).toEqual(["CMD", "node", "bin/healthcheck.mjs", String(port)]);
    expect(container.restart).toBe("unless-stopped");
  });

  it("starts the services once their dependencies are healthy and the migrations succeeded", () => {
    const needs = {
      api: ["postgres"],
      watcher: ["postgres"],
      dispatcher: ["postgres", "redis"],
    };
    for (const [name, backing] of Object.entries(needs)) {
      const dependsOn = service(name).depends_on ?? {};
      expect(Object.keys(dependsOn).sort(), name).toEqual([...backing, "migrate"].sort());
      for (const dependency of backing) {
        expect(dependsOn[dependency], `${name} -> ${dependency}`).toEqual({ condition: "service_healthy" });
        expect(service(dependency).healthcheck?.test, dependency).toBeDefined();
      }
      expect(dependsOn.migrate).toEqual({ condition: "service_completed_successfully" });
    }
  });

  it("gives every gateway service a production environment: passwords, ops on loopback, no anvil, no rates", () => {
    for (const name of ["migrate", "api", "watcher", "dispatcher"]) {
      const config = loadConfig(service(name).environment ?? {});
      const database = new URL(config.databaseUrl);
      expect(database.hostname, name).toBe("postgres");
      expect(database.password).toBe(passwords.POSTGRES_PASSWORD);
      expect(database.pathname).toBe(`/${service("postgres").environment?.POSTGRES_DB}`);
      const redis = new URL(config.redisUrl);
      expect(redis.hostname).toBe("redis");
      expect(redis.password).toBe(passwords.REDIS_PASSWORD);
      expect(config.env).toBe("production");
      expect(config.chains.filter(isChainEnabled).map((chain) => chain.id)).not.toContain("anvil");
      expect(config.rates.provider).toBe("none");
      expect(config.opsHost).toBe("127.0.0.1");
      expect({ public: config.port, ...config.opsPorts }).toEqual({ public: 3000, ...gateway });
    }
  });

  it("runs the anvil chain and fixed rates with .env's dev section", () => {
    const { production, dev } = envExample();
    expect(dev.COMPOSE_PROFILES).toBe("dev");
    const devCompose = interpolate(raw, { ...production, ...passwords, ...dev });
    const config = loadConfig(service("watcher", devCompose).environment ?? {});
    expect(config.env).toBe("development");
    expect(config.chains.find((chain) => chain.id === "anvil")?.rpcUrls).toEqual(["http://anvil:8545"]);
    expect(config.rates).toEqual({
      provider: "fixed",
      fixed: [
        { asset: "ETH", fiat: "USD", rate: "3000" },
        { asset: "BTC", fiat: "USD", rate: "60000" },
      ],
    });
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? "";
  const lines = (text: string) => text.replace(/\\\n\s*/g, " ").split("\n");

  it("builds on node 24 slim in stages and runs the compiled CLI as a non-root user with a health check", () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    // every stage starts from node 24 slim, directly or through an earlier stage
    const names = stages.map((stage) => / AS (\S+)/.exec(stage.split("\n")[0] ?? "")?.[1]);
    for (const stage of stages) {
      const from = stage.split(/[\s]/)[0] ?? "";
      expect(from === "node:24-slim" || names.includes(from), from).toBe(true);
    }
    expect(runtime).toMatch(/^node:24-slim /);
    expect(runtime).toMatch(/^USER node$/m);
    expect(lines(runtime).join("\n")).toMatch(/^HEALTHCHECK .*CMD \["node", "bin\/healthcheck.mjs"\]$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "bin\/paygate.mjs"\]$/m);
  });

  it("installs, checks and builds with CI's commands and pnpm version; the image gets the deployed build only", () => {
    // CI is .ci/run plus the scripts it runs (scripts/setup.sh installs)
    const entry = read(".ci/run");
    const ci = [entry, ...[...entry.matchAll(/^bash (\S+)$/gm)].map((match) => read(match[1]!))].join("\n");
    expect(ci).toMatch(/^\s*pnpm install --frozen-lockfile$/m);
    const ciPnpmMajor = /npm install -g pnpm@(\d+)/.exec(ci)?.[1];
    const runs = lines(dockerfile).filter((line) => line.startsWith("RUN "));
    expect(runs).toContain("RUN pnpm install --frozen-lockfile");
    expect(runs).toContain("RUN pnpm lint && pnpm typecheck");
    expect(runs).toContain("RUN pnpm build");
    expect(runs).toContain("RUN pnpm --filter @paygate/cli deploy --prod --legacy /deploy");
    for (const script of ["lint", "typecheck"]) expect(ci).toContain(`pnpm ${script}`);
    const packageManager = JSON.parse(read("package.json")).packageManager as string;
    expect(runs).toContain(`RUN npm install -g ${packageManager}`);
    expect(packageManager.startsWith(`pnpm@${ciPnpmMajor}.`)).toBe(true);
    // the final stage installs nothing and copies nothing but the deployed folder
    expect(runtime).not.toMatch(/^RUN /m);
    expect(runtime.match(/^COPY .*$/gm)).toEqual(["COPY --from=build /deploy ./"]);
  });

  it("copies every workspace package's manifest before installing, so the frozen lockfile matches", () => {
    const packages = readdirSync(new URL("../packages", import.meta.url)).map((name) => `packages/${name}`);
    for (const dir of [...packages, "test"]) {
      expect(dockerfile, dir).toContain(`COPY ${dir}/package.json ${dir}/`);
    }
    // the dev tools never reach the image: paygate dev, demo and pay say they are not installed
    expect(runtime).not.toContain("packages/devtools");
  });
});
