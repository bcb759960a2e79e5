import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { Webhook } from "standardwebhooks";

export interface ReceivedRequest {
  method: string;
  /** Path and query string, as sent. */
  path: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The raw body decoded as UTF-8, byte for byte what the sender signed. */
  body: string;
  receivedAt: number;
  /** The status the receiver answered (or will answer, once a delay runs out); 0 while the responder decides. */
  status: number;
  /** Whether the `standardwebhooks` library verified the signature with the receiver's `secret`. */
  verified: boolean;
}

export interface Reply {
  status: number;
  body?: string;
  /** Holds the answer back this long, to play a slow endpoint. */
  delayMs?: number;
  headers?: Record<string, string>;
}

/** Decides the answer; `n` counts requests from 1 in order of arrival. */
export type Responder = (request: ReceivedRequest, n: number) => Reply | Promise<Reply>;

export interface Receiver {
  /** Base URL, no trailing slash; any path on it is accepted. */
  url: string;
  /** Every request so far, in order of arrival (an answer the responder holds back shows `status` 0). */
  requests: ReceivedRequest[];
  /** Resolves with `requests` once `predicate` holds; rejects after `timeoutMs` (default 10 s). */
  waitFor(
    predicate: (requests: ReceivedRequest[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedRequest[]>;
  setResponder(responder: Responder): void;
  /** Sets the secret signatures are verified with (a merchant learns it when registering the endpoint). */
  setSecret(secret: string | undefined): void;
  /** Stops listening and cuts open connections, pending slow answers included. Safe to call twice. */
  close(): Promise<void>;
}

const answerOk: Responder = () => ({ status: 200 });

export interface ReceiverOptions {
  respond?: Responder;
  /** Verifies each request's signature with this secret, as a merchant's server would (`verified`). */
  secret?: string;
  /** Listen on this port (to bring a receiver up where one was down); a free one by default. */
  port?: number;
}

/**
 * A real HTTP endpoint on 127.0.0.1 that records what webhook senders deliver to it and checks each signature
 * with the `standardwebhooks` library. A responder may hold its answer open (return a promise) for as long as
 * the test wants: the request is recorded on arrival.
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  let respond = options.respond ?? answerOk;
  let secret = options.secret;
  let arrivals = 0;
  const requests: ReceivedRequest[] = [];
  const watchers = new Set<() => void>();
  const closing = new AbortController();
  let closed = Promise.resolve();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const n = ++arrivals;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [name, [value ?? ""].flat().join(", ")]),
    );
    const body = Buffer.concat(chunks).toString("utf8");
    const request: ReceivedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers,
      body,
      receivedAt,
      status: 0,
      verified: secret !== undefined && signedWith(secret, body, headers),
    };
    requests.push(request);
    for (const watcher of watchers) watcher();
    const reply = await respond(request, n);
    request.status = reply.status;
    for (const watcher of watchers) watcher();
    if (reply.delayMs) await delay(reply.delayMs, undefined, { signal: closing.signal });
    res.writeHead(reply.status, reply.headers).end(reply.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // The sender hung up, we are closing, or the responder threw: drop the connection.
      res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(requests)) return;
          stop();
          resolve([...requests]);
        };
        const timer = setTimeout(() => {
          stop();
          const seen = requests.map((r) => `${r.method} ${r.path} -> ${r.status}`).join("; ") || "none";
          reject(new Error(`Receiver: condition not met within ${timeoutMs} ms; requests so far: ${seen}`));
        }, timeoutMs);
        const stop = () => {
          clearTimeout(timer);
          watchers.delete(check);
        };
        watchers.add(check);
        check();
      });
    },
    setResponder(responder) {
      respond = responder;
    },
    setSecret(next) {
      secret = next;
    },
    close() {
      if (!closing.signal.aborted) {
        closing.abort();
        closed = new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
        server.closeAllConnections();
      }
      return closed;
    },
  };
}

function signedWith(secret: string, body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}
