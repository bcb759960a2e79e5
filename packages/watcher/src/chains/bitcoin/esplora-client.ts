import { setTimeout as delay } from "node:timers/promises";
import { networkReason } from "./json-rpc.ts";

/**
 * HTTP GET against an Esplora API (Blockstream's esplora/electrs, mempool.space). Public instances rate-limit
 * per client and answer 429: we keep at most `concurrency` requests in flight, and on a 429 wait (Retry-After
 * when given, else exponential from 500 ms, with jitter) and retry a few times before letting the scanner's
 * own backoff take over.
 */
export class EsploraHttpError extends Error {
  override name = "EsploraHttpError";
  constructor(
    readonly status: number,
    readonly path: string,
    body: string,
  ) {
    super(`esplora ${path} answered HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ""}`);
  }
}

export interface EsploraClientOptions {
  concurrency?: number;
  /** Retries of a request answered 429, before the error reaches the scanner. */
  rateLimitRetries?: number;
  timeoutMs?: number;
  /** Called with the route of each request (`GET /block/:hash/raw`), for metrics and tests. */
  onRequest?: (route: string) => void;
}

export interface EsploraClient {
  text(route: string, path: string): Promise<string>;
  json<T>(route: string, path: string): Promise<T>;
  binary(route: string, path: string): Promise<Uint8Array>;
}

const MAX_RETRY_AFTER_MS = 60_000;

export function esploraClient(baseUrl: string, options: EsploraClientOptions = {}): EsploraClient {
  const base = baseUrl.replace(/\/+$/, "");
  const concurrency = options.concurrency ?? 4;
  const retries = options.rateLimitRetries ?? 5;
  let inFlight = 0;
  const waiting: (() => void)[] = [];

  async function slot(): Promise<() => void> {
    while (inFlight >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight += 1;
    return () => {
      inFlight -= 1;
      waiting.shift()?.();
    };
  }

  async function get(route: string, path: string): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const release = await slot();
      let response: Response;
      try {
        options.onRequest?.(route);
        response = await fetch(`${base}${path}`, {
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        }).catch((error: unknown) => {
          throw new Error(`esplora ${path} unreachable: ${networkReason(error)}`);
        });
      } finally {
        release();
      }
      if (response.status === 429 && attempt < retries) {
        await response.body?.cancel();
        await delay(retryDelayMs(response.headers.get("retry-after"), attempt));
        continue;
      }
      if (!response.ok) throw new EsploraHttpError(response.status, path, await response.text());
      return response;
    }
  }

  return {
    text: async (route, path) => (await (await get(route, path)).text()).trim(),
    json: async <T>(route: string, path: string) => (await (await get(route, path)).json()) as T,
    binary: async (route, path) => new Uint8Array(await (await get(route, path)).arrayBuffer()),
  };
}

/** Retry-After in seconds (capped), else 500 ms doubling per attempt; +-20% jitter either way. */
export function retryDelayMs(retryAfter: string | null, attempt: number, random = Math.random): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  const base = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 500 * 2 ** attempt;
  return Math.round(Math.min(base, MAX_RETRY_AFTER_MS) * (0.8 + 0.4 * random()));
}
