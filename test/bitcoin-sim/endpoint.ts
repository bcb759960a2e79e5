import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * How a downed server fails: `refuse` stops listening (connection refused, open connections reset);
 * `unavailable` keeps accepting and answers 503, as an overloaded node or a proxy in front of one does.
 */
export type OutageMode = "refuse" | "unavailable";

export interface EndpointHandlers {
  /** Answers a request; `count` records it under a key (an RPC method, an Esplora route). */
  serve(request: IncomingMessage, body: Buffer, response: ServerResponse, count: (key: string) => void): void;
  /** The answer while the server is down in `unavailable` mode. */
  unavailable(response: ServerResponse): void;
}

/** The test-facing controls every simulated server has. */
export interface ServerControl {
  readonly url: string;
  readonly port: number;
  /** Requests received, by key (RPC method or Esplora route such as `GET /block/:hash/raw`). */
  requests(): Record<string, number>;
  /** Requests received under one key, or in total (HTTP requests; a JSON-RPC batch is one). */
  requestCount(key?: string): number;
  resetRequests(): void;
  setDown(down: boolean, mode?: OutageMode): Promise<void>;
}

/** A loopback HTTP server with request counters and an outage switch. */
export class Endpoint implements ServerControl {
  private readonly counts = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private httpRequests = 0;
  private outage: OutageMode | false = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly url: string,
  ) {}

  static async start(handlers: EndpointHandlers, path = "/"): Promise<Endpoint> {
    let endpoint: Endpoint | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => endpoint?.dispatch(handlers, request, Buffer.concat(chunks), response));
    });
    server.on("connection", (socket) => {
      endpoint?.sockets.add(socket);
      socket.on("close", () => endpoint?.sockets.delete(socket));
    });
    await listen(server, 0);
    const { port } = server.address() as AddressInfo;
    endpoint = new Endpoint(server, port, `http://127.0.0.1:${port}${path}`);
    return endpoint;
  }

  private dispatch(
    handlers: EndpointHandlers,
    request: IncomingMessage,
    body: Buffer,
    response: ServerResponse,
  ): void {
    this.httpRequests += 1;
    if (this.outage === "unavailable") {
      handlers.unavailable(response);
      return;
    }
    try {
      handlers.serve(request, body, response, (key) => this.counts.set(key, (this.counts.get(key) ?? 0) + 1));
    } catch (error) {
      // A simulator bug must fail the test that hit it, not the process every test file shares.
      if (!response.headersSent) response.writeHead(500, { "Content-Type": "text/plain" });
      response.end(`bitcoin simulator error: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }

  requests(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  requestCount(key?: string): number {
    return key === undefined ? this.httpRequests : (this.counts.get(key) ?? 0);
  }

  resetRequests(): void {
    this.counts.clear();
    this.httpRequests = 0;
  }

  async setDown(down: boolean, mode: OutageMode = "refuse"): Promise<void> {
    const listening = this.server.listening;
    this.outage = down ? mode : false;
    if (down && mode === "refuse" && listening) await this.stopListening();
    if ((!down || mode === "unavailable") && !listening) await listen(this.server, this.port);
  }

  private stopListening(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      for (const socket of this.sockets) socket.destroy();
    });
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.stopListening();
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}
