import { fallback, http, type Transport } from "viem";

export interface RpcTransportOptions {
  /** Attempts per endpoint before the fallback moves on; the scanner adds its own backoff on top. */
  retryCount?: number;
  /** Base of viem's exponential backoff between retries (ms). */
  retryDelayMs?: number;
  timeoutMs?: number;
}

/**
 * JSON-RPC over every configured URL: batched (a catch-up range goes out as one HTTP request), retried with
 * exponential backoff (viem retries rate limits and 5xx, never a reverted call), falling back to the next URL.
 */
export function rpcTransport(urls: readonly string[], options: RpcTransportOptions = {}): Transport {
  if (urls.length === 0) throw new Error("an EVM chain needs at least one RPC URL");
  const endpoints = urls.map((url) =>
    http(url, {
      batch: { batchSize: 200 },
      retryCount: options.retryCount ?? 2,
      retryDelay: options.retryDelayMs ?? 150,
      timeout: options.timeoutMs ?? 10_000,
    }),
  );
  return endpoints.length === 1
    ? endpoints[0]!
    : fallback(endpoints, { retryCount: options.retryCount ?? 2 });
}

/** Calls `onRequest` with the method of every JSON-RPC call (before batching), then passes the call on. */
export function countRequests(transport: Transport, onRequest: (method: string) => void): Transport {
  return (parameters) => {
    const inner = transport(parameters);
    return {
      ...inner,
      request: ((args, requestOptions) => {
        onRequest(args.method);
        return inner.request(args, requestOptions);
      }) as typeof inner.request,
    };
  };
}
