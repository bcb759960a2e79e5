import { timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import { encodeCoreJson } from "./core-json.ts";
import { Endpoint } from "./endpoint.ts";
import type { RegtestNode } from "./node.ts";
import {
  executeRpc,
  RPC_INVALID_REQUEST,
  RPC_METHOD_NOT_FOUND,
  RPC_MISC_ERROR,
  RPC_PARSE_ERROR,
  RpcError,
  type RpcMethodOptions,
  rpcMethods,
} from "./rpc-methods.ts";

export interface RpcServerOptions extends RpcMethodOptions {
  user: string;
  password: string;
}

/** One parsed request object; `id` and `version` are filled as soon as parsing reaches them, for error replies. */
interface JsonRpcRequest {
  version: 1 | 2;
  id?: unknown;
  method?: string;
  params?: unknown;
}

const WWW_AUTHENTICATE = 'Basic realm="jsonrpc"';

/** `JSONRPCRequest::parse` (src/rpc/request.cpp). */
function parseRequest(value: unknown, request: JsonRpcRequest): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RpcError(RPC_INVALID_REQUEST, "Invalid Request object");
  }
  const object = value as Record<string, unknown>;
  if ("id" in object) request.id = object.id;
  const version = object.jsonrpc;
  if (version !== undefined && version !== null) {
    if (typeof version !== "string")
      throw new RpcError(RPC_INVALID_REQUEST, "jsonrpc field must be a string");
    // Some old documentation sent {"jsonrpc": "1.0"}; Core keeps accepting it as the legacy protocol.
    if (version === "2.0") request.version = 2;
    else if (version !== "1.0") throw new RpcError(RPC_INVALID_REQUEST, "JSON-RPC version not supported");
  }
  if (object.method === undefined || object.method === null)
    throw new RpcError(RPC_INVALID_REQUEST, "Missing method");
  if (typeof object.method !== "string") throw new RpcError(RPC_INVALID_REQUEST, "Method must be a string");
  request.method = object.method;
  const params = object.params;
  if (params === undefined || params === null) request.params = [];
  else if (typeof params === "object") request.params = params;
  else throw new RpcError(RPC_INVALID_REQUEST, "Params must be an array or object");
}

const isNotification = (request: JsonRpcRequest) => request.version === 2 && !("id" in request);

/** `JSONRPCReplyObj`: 2.0 replies carry one of result/error, legacy replies both. */
function reply(
  request: JsonRpcRequest,
  outcome: { result: unknown } | { error: RpcError },
): Record<string, unknown> {
  const body: Record<string, unknown> = request.version === 2 ? { jsonrpc: "2.0" } : {};
  if ("result" in outcome) {
    body.result = outcome.result ?? null;
    if (request.version === 1) body.error = null;
  } else {
    if (request.version === 1) body.result = null;
    body.error = { code: outcome.error.code, message: outcome.error.message };
  }
  if ("id" in request) body.id = request.id ?? null;
  return body;
}

const asRpcError = (error: unknown) =>
  error instanceof RpcError
    ? error
    : new RpcError(RPC_MISC_ERROR, error instanceof Error ? error.message : String(error));

function send(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  response.writeHead(status, { "Content-Type": "application/json" }).end(`${encodeCoreJson(body)}\n`);
}

/**
 * Bitcoin Core's JSON-RPC server (src/httprpc.cpp), v28 behaviour: POST to `/` (or `/wallet/...`) with basic
 * auth. A legacy (1.0/1.1) request that fails gets HTTP 500, or 404 for an unknown method and 400 for an
 * invalid request object; a JSON-RPC 2.0 request gets 200 with the error in the body, and 204 when it is a
 * notification; a batch always gets 200 (204 if it held only notifications).
 */
export function startRpcServer(node: RegtestNode, options: RpcServerOptions): Promise<Endpoint> {
  const methods = rpcMethods(node, options);
  const expected = Buffer.from(`${options.user}:${options.password}`);

  const authorized = (header: string | undefined) => {
    if (header === undefined || !header.startsWith("Basic ")) return false;
    const given = Buffer.from(header.slice(6).trim(), "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  return Endpoint.start({
    unavailable: (response) => {
      response
        .writeHead(503, { "Content-Type": "text/html; charset=ISO-8859-1" })
        .end("Work queue depth exceeded");
    },
    serve: (request, body, response, count) => {
      const path = request.url ?? "/";
      if (path !== "/" && !path.startsWith("/wallet/")) {
        response.writeHead(404).end();
        return;
      }
      if (request.method !== "POST") {
        response.writeHead(405).end("JSONRPC server handles only POST requests");
        return;
      }
      if (!authorized(request.headers.authorization)) {
        response.writeHead(401, { "WWW-Authenticate": WWW_AUTHENTICATE }).end();
        return;
      }

      const execute = (parsed: JsonRpcRequest, catchErrors: boolean) => {
        const method = parsed.method as string;
        count(method);
        try {
          return reply(parsed, { result: executeRpc(methods, method, parsed.params) });
        } catch (error) {
          if (!catchErrors) throw error;
          return reply(parsed, { error: asRpcError(error) });
        }
      };

      const single: JsonRpcRequest = { version: 1 };
      try {
        let value: unknown;
        try {
          value = JSON.parse(body.toString("utf8"));
        } catch {
          throw new RpcError(RPC_PARSE_ERROR, "Parse error");
        }
        if (Array.isArray(value)) {
          const replies: unknown[] = [];
          for (const element of value) {
            const parsed: JsonRpcRequest = { version: 1 };
            let answer: Record<string, unknown>;
            try {
              parseRequest(element, parsed);
              answer = execute(parsed, true);
            } catch (error) {
              answer = reply(parsed, { error: asRpcError(error) });
            }
            if (!isNotification(parsed)) replies.push(answer);
          }
          if (replies.length === 0 && value.length > 0) send(response, 204);
          else send(response, 200, replies);
          return;
        }
        if (typeof value !== "object" || value === null)
          throw new RpcError(RPC_PARSE_ERROR, "Top-level object parse error");
        parseRequest(value, single);
        const answer = execute(single, single.version === 2);
        if (isNotification(single)) send(response, 204);
        else send(response, 200, answer);
      } catch (error) {
        const rpcError = asRpcError(error);
        const status =
          rpcError.code === RPC_INVALID_REQUEST ? 400 : rpcError.code === RPC_METHOD_NOT_FOUND ? 404 : 500;
        send(response, status, reply(single, { error: rpcError }));
      }
    },
  });
}
