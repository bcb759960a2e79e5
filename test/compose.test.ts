import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Service {
  image: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(new URL("../docker-compose.yml", import.meta.url), "utf8")) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const service = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no ${name} service`);
  return found;
};

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
    expect(redis.healthcheck?.test.join(" ")).toContain("redis-cli ping");
    const volume = redis.volumes?.[0]?.split(":")[0] ?? "";
    expect(compose.volumes).toHaveProperty(volume);
  });

  it("runs Anvil on chain 31337 reachable from other containers", () => {
    const anvil = service("anvil");
    expect(anvil.image).toBe("ghcr.io/foundry-rs/foundry");
    expect(anvil.entrypoint?.join(" ")).toBe("anvil --host 0.0.0.0 --chain-id 31337 --block-time 2");
    expect(anvil.ports).toContain("8545:8545");
  });
});
