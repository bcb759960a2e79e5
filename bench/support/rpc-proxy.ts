import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface RpcProxyOptions {
  /** Share of HTTP requests answered 503 without reaching the node (0..1). */
  failRate?: () => number;
  /** Random source for the failures (the soak passes its seeded one). */
  random?: () => number;
}

export interface RpcProxy {
  url: string;
  /** JSON-RPC calls forwarded, by method (a batch counts each call in it). */
  calls: Map<string, number>;
  /** HTTP requests failed on purpose. */
  failed: number;
  total(): number;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A JSON-RPC proxy on 127.0.0.1 in front of a node: counts calls by method (the watcher benchmark) and fails a
 * share of requests with 503 (the soak's RPC faults; viem retries 5xx, the scanner backs off on top).
 */
export async function startRpcProxy(target: string, options: RpcProxyOptions = {}): Promise<RpcProxy> {
  const random = options.random ?? Math.random;
  const calls = new Map<string, number>();
  let failed = 0;
  const server = createServer(async (request, response) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      if (random() < (options.failRate?.() ?? 0)) {
        failed++;
        response.writeHead(503, { "content-type": "text/plain" }).end("injected failure");
        return;
      }
      const parsed = JSON.parse(body.toString("utf8")) as { method: string } | { method: string }[];
      for (const call of [parsed].flat()) calls.set(call.method, (calls.get(call.method) ?? 0) + 1);
      const upstream = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      response
        .writeHead(upstream.status, { "content-type": "application/json" })
        .end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      // the node is restarting or the client hung up: a failed request, as a flaky RPC provider gives
      if (!response.headersSent) response.writeHead(502).end();
      else response.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    get failed() {
      return failed;
    },
    total: () => [...calls.values()].reduce((sum, n) => sum + n, 0),
    reset() {
      calls.clear();
      failed = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
