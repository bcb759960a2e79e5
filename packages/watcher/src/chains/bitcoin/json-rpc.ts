/**
 * A Bitcoin Core JSON-RPC client: batched calls over one HTTP POST, basic auth taken out of the URL (fetch
 * refuses URLs with credentials), per-call errors kept apart so one failing call does not sink a batch.
 * Core answers JSON-RPC 2.0 requests (v28+) with HTTP 200 and the error in the body; older versions answer
 * legacy 1.0 with HTTP 500 and the same body, so a JSON body is read whatever the status.
 */
export class BitcoinRpcError extends Error {
  override name = "BitcoinRpcError";
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method}: ${message} (code ${code})`);
  }
}

/** The node answered something that is not JSON-RPC (auth failure, proxy error, outage). */
export class BitcoinRpcHttpError extends Error {
  override name = "BitcoinRpcHttpError";
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`bitcoin node answered HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ""}`);
  }
}

/** Core's RPC_INVALID_ADDRESS_OR_KEY: "No such mempool transaction", "Block not found". */
export const RPC_INVALID_ADDRESS_OR_KEY = -5;

export interface RpcCall {
  method: string;
  params: unknown[];
}

export type RpcOutcome = { ok: true; result: unknown } | { ok: false; error: BitcoinRpcError };

export interface JsonRpcClient {
  /** One call; throws its error. */
  call<T>(method: string, params?: unknown[]): Promise<T>;
  /** Several calls in one HTTP request, answered in order; errors are returned, not thrown. */
  batch(calls: readonly RpcCall[]): Promise<RpcOutcome[]>;
  /** `batch`, throwing the first error. */
  batchResults<T>(calls: readonly RpcCall[]): Promise<T[]>;
}

export interface JsonRpcOptions {
  timeoutMs?: number;
  /** Called with each call's method (before batching), for metrics and tests. */
  onRequest?: (method: string) => void;
}

interface Reply {
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string } | null;
}

/** undici's "fetch failed" hides the reason (ECONNREFUSED, a timeout) in `cause`. */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export function jsonRpcClient(url: string, options: JsonRpcOptions = {}): JsonRpcClient {
  const endpoint = new URL(url);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (endpoint.username || endpoint.password) {
    const credentials = `${decodeURIComponent(endpoint.username)}:${decodeURIComponent(endpoint.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
    endpoint.username = "";
    endpoint.password = "";
  }
  const target = endpoint.toString();
  let nextId = 1;

  async function post(body: unknown): Promise<unknown> {
    const response = await fetch(target, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    }).catch((error: unknown) => {
      throw new Error(`bitcoin node unreachable: ${networkReason(error)}`);
    });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new BitcoinRpcHttpError(response.status, text);
    }
  }

  const outcome = (call: RpcCall, reply: Reply | undefined): RpcOutcome => {
    if (reply === undefined) {
      return { ok: false, error: new BitcoinRpcError(call.method, -32603, "no reply in the batch") };
    }
    if (reply.error) {
      return { ok: false, error: new BitcoinRpcError(call.method, reply.error.code, reply.error.message) };
    }
    return { ok: true, result: reply.result };
  };

  const client: JsonRpcClient = {
    async call<T>(method: string, params: unknown[] = []) {
      const [result] = await client.batchResults<T>([{ method, params }]);
      return result as T;
    },

    async batch(calls) {
      if (calls.length === 0) return [];
      const ids = calls.map(() => nextId++);
      for (const call of calls) options.onRequest?.(call.method);
      const requests = calls.map((call, i) => ({
        jsonrpc: "2.0",
        id: ids[i],
        method: call.method,
        params: call.params,
      }));
      const answer = await post(requests);
      if (!Array.isArray(answer)) {
        // a batch-level failure (parse error, a proxy in the way): Core answers one object
        const reply = answer as Reply;
        const error = reply?.error ?? { code: -32603, message: "unexpected reply to a batch" };
        return calls.map((call) => ({
          ok: false,
          error: new BitcoinRpcError(call.method, error.code, error.message),
        }));
      }
      const byId = new Map((answer as Reply[]).map((reply) => [reply.id, reply]));
      return calls.map((call, i) => outcome(call, byId.get(ids[i])));
    },

    async batchResults<T>(calls: readonly RpcCall[]) {
      const outcomes = await client.batch(calls);
      return outcomes.map((entry) => {
        if (!entry.ok) throw entry.error;
        return entry.result as T;
      });
    },
  };
  return client;
}
