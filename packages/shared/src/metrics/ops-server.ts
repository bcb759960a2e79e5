import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import type { Registry } from "prom-client";
import type { Db } from "../db/connect.ts";
import type { Logger } from "../logger.ts";

/** A dependency probe: resolves when reachable. */
export type ReadinessCheck = () => Promise<unknown>;

export interface OpsServerOptions {
  /** 0: a free port (tests). */
  port: number;
  /** `OPS_HOST`: 127.0.0.1 unless the operator opens it (these answers are unauthenticated). */
  host: string;
  registry: Registry;
  /** What `/readyz` probes, by name (`database`, `redis`). */
  checks: Record<string, ReadinessCheck>;
  logger: Logger;
  service: string;
}

export interface OpsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A probe that hangs (a half-open connection) answers "unreachable" after this long. */
const CHECK_TIMEOUT_MS = 2_000;

export const databaseCheck =
  (db: Db): ReadinessCheck =>
  () =>
    sql`select 1`.execute(db);

/**
 * `/healthz` (the process answers), `/readyz` (and its dependencies do) and `/metrics` (Prometheus text): every
 * service's ops port (contract section 8), the API's included, off its public port.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (request.method !== "GET" && request.method !== "HEAD")
      return json(405, { error: "method not allowed" });
    if (path === "/healthz") return json(200, { status: "ok" });
    if (path === "/readyz") {
      void readiness(options.checks).then((checks) => {
        const ready = Object.values(checks).every((state) => state === "ok");
        json(ready ? 200 : 503, { status: ready ? "ok" : "unavailable", checks });
      });
      return;
    }
    if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": options.registry.contentType }).end(text),
        (error: unknown) => {
          options.logger.warn({ err: error }, "metrics collection failed");
          json(500, { error: "metrics collection failed" });
        },
      );
      return;
    }
    json(404, { error: "not found" });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  options.logger.info({ host: address, port }, `${options.service} health and metrics listening`);
  return {
    url: `http://${reachableHost(address)}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Where a local client reaches a server bound to `address`: a wildcard is reached on loopback. */
function reachableHost(address: string): string {
  if (address === "0.0.0.0" || address === "::") return "127.0.0.1";
  return address.includes(":") ? `[${address}]` : address;
}

/** Runs every probe at once, each bounded by CHECK_TIMEOUT_MS. */
export async function readiness(
  checks: Record<string, ReadinessCheck>,
): Promise<Record<string, "ok" | "unreachable">> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
      });
      try {
        await Promise.race([check(), timeout]);
        return [name, "ok"] as const;
      } catch {
        return [name, "unreachable"] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}
