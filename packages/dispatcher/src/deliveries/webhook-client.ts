import {
  addressBlockReason,
  DEFAULT_WEBHOOK_PORTS,
  guardsWebhookUrls,
  type PaygateEnv,
  portBlockReason,
  type ResolveHost,
  systemResolveHost,
  urlHostAddress,
} from "@paygate/shared";
import { Agent, request } from "undici";
import { BlockedAddressError, guardedLookup } from "./guarded-lookup.ts";

export interface WebhookClientOptions {
  env: PaygateEnv;
  allowedCidrs: readonly string[];
  /** Ports a URL may name outside development; by default 443 and 8443. */
  allowedPorts?: readonly number[];
  /** Contract: 5 s to connect. */
  connectTimeoutMs: number;
  /** Contract: 15 s for the whole exchange. */
  totalTimeoutMs: number;
  /** Contract: the first 20,000 bytes of a response body are kept. */
  responseBodyLimitBytes: number;
  resolveHost?: ResolveHost;
}

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** What one POST came to: a response (any status), a timeout, or another error (refused, reset, blocked). */
export interface AttemptResult {
  kind: "response" | "timeout" | "error";
  statusCode: number | null;
  retryAfter: string | undefined;
  /** The first `responseBodyLimitBytes` of the response body (contract section 4: 20,000). */
  responseBody: string | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookClient {
  send(webhook: WebhookRequest): Promise<AttemptResult>;
  close(): Promise<void>;
}

/**
 * POSTs webhooks with undici. Redirects are never followed (undici's `request` does not follow them; a 3xx is a
 * response like any other and counts as a failure). Outside development every address is checked when the
 * socket connects; IP-literal URLs skip DNS, so they are checked here before connecting.
 */
export function createWebhookClient(options: WebhookClientOptions): WebhookClient {
  const guarded = guardsWebhookUrls(options.env);
  const agent = new Agent({
    connect: {
      timeout: options.connectTimeoutMs,
      ...(guarded
        ? { lookup: guardedLookup(options.resolveHost ?? systemResolveHost, options.allowedCidrs) }
        : {}),
    },
    headersTimeout: options.totalTimeoutMs,
    bodyTimeout: options.totalTimeoutMs,
  });

  async function send(webhook: WebhookRequest): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const refusal = guarded
      ? refuseUrl(webhook.url, options.allowedCidrs, options.allowedPorts ?? DEFAULT_WEBHOOK_PORTS)
      : null;
    if (refusal) return failure("error", refusal, elapsed());
    const signal = AbortSignal.timeout(options.totalTimeoutMs);
    try {
      const response = await request(webhook.url, {
        method: "POST",
        body: webhook.body,
        headers: webhook.headers,
        dispatcher: agent,
        signal,
      });
      const responseBody = await readPrefix(response.body, options.responseBodyLimitBytes);
      const retryAfter = response.headers["retry-after"];
      return {
        kind: "response",
        statusCode: response.statusCode,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        responseBody,
        error: null,
        durationMs: elapsed(),
      };
    } catch (error) {
      if (signal.aborted || isTimeout(error)) {
        const phase = isConnectTimeout(error) ? "connecting" : "waiting for the response";
        return failure("timeout", `timeout ${phase} (${elapsed()} ms)`, elapsed());
      }
      return failure("error", describe(error), elapsed());
    }
  }

  return { send, close: () => agent.close() };
}

/** The registration rules again, for endpoints registered before a rule (or its configuration) changed. */
function refuseUrl(
  raw: string,
  allowedCidrs: readonly string[],
  allowedPorts: readonly number[],
): string | null {
  const url = new URL(raw);
  if (url.protocol !== "https:") return "blocked: webhook URLs must use https";
  if (url.username || url.password) return "blocked: webhook URLs must not carry credentials";
  const portRefusal = portBlockReason(url, allowedPorts);
  if (portRefusal) return `blocked: ${portRefusal}`;
  const literal = urlHostAddress(url);
  const reason = literal ? addressBlockReason(literal, allowedCidrs) : null;
  return reason ? `blocked: ${reason}` : null;
}

async function readPrefix(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  limit: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  // PostgreSQL text cannot hold NUL; a binary answer is still recognisable without it.
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8").replaceAll("\u0000", "");
}

function failure(kind: "timeout" | "error", error: string, durationMs: number): AttemptResult {
  return { kind, statusCode: null, retryAfter: undefined, responseBody: null, error, durationMs };
}

function isConnectTimeout(error: unknown): boolean {
  return (error as { code?: string }).code === "UND_ERR_CONNECT_TIMEOUT";
}

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  const name = (error as { name?: string }).name;
  return (
    name === "TimeoutError" ||
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT"
  );
}

/** A short reason for the attempt log; undici wraps socket errors, so look at the cause too. */
function describe(error: unknown): string {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof BlockedAddressError) return current.message;
  }
  const root = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (root as { code?: string }).code;
  const message = root instanceof Error ? root.message : String(root);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
