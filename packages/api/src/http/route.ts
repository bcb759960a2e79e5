import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  InvalidRequestError,
  releaseIdempotencyKey,
  requestFingerprint,
} from "@paygate/shared";
import type { Request, Response, Router } from "express";
import { z } from "zod";
import type { ApiDeps } from "../deps.ts";
import { fromZodIssue } from "./api-errors.ts";
import { merchantOf } from "./auth.ts";

type InputSchema = z.ZodObject<z.ZodRawShape>;
type Empty = z.ZodObject<Record<string, never>>;

export interface RouteInput<Params, Query, Body> {
  params: Params;
  query: Query;
  body: Body;
  merchantId: string;
  deps: ApiDeps;
}

/**
 * One endpoint, described once: the zod schemas validate its input, type its handler and produce its OpenAPI
 * entry (see `openapi/document.ts`). Handlers return the answer body; the status is the route's.
 */
export interface RouteSpec<
  P extends InputSchema = Empty,
  Q extends InputSchema = Empty,
  B extends InputSchema = Empty,
> {
  method: "get" | "post" | "patch" | "delete";
  /** OpenAPI template form: `/v1/payment-intents/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Accepts `Idempotency-Key` (contract section 3). */
  idempotent?: boolean;
  success: { status: number; description: string; schema: z.ZodType };
  handle(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of routes erases their schema types
export type Route = RouteSpec<any, any, any>;

export function defineRoute<
  P extends InputSchema = Empty,
  Q extends InputSchema = Empty,
  B extends InputSchema = Empty,
>(route: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return route;
}

const empty = z.strictObject({});

export const IDEMPOTENCY_KEY_MAX = 255;
const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

export function mountRoute(router: Router, route: Route, deps: ApiDeps): void {
  const expressPath = route.path.replace(/\{(\w+)\}/g, ":$1");
  router[route.method](expressPath, async (request: Request, response: Response) => {
    const withBody = route.method === "post" || route.method === "patch";
    const input: RouteInput<unknown, unknown, unknown> = {
      params: parse(route.params ?? empty, request.params, "path"),
      query: parse(route.query ?? empty, request.query, "query"),
      body: withBody ? parse(route.body ?? empty, request.body ?? {}, "body") : {},
      merchantId: merchantOf(response),
      deps,
    };
    const key = route.idempotent ? request.get("Idempotency-Key") : undefined;
    if (key === undefined) {
      const body = await route.handle(input);
      response.status(route.success.status).json(body);
      return;
    }
    if (!idempotencyKeyPattern.test(key)) {
      throw new InvalidRequestError(
        "parameter_invalid",
        `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX} printable ASCII characters`,
        { param: "Idempotency-Key", status: 400 },
      );
    }
    await answerIdempotently(request, response, route, input, key);
  });
}

/** Validation already passed (failures are never stored); from here the key owns the outcome. */
async function answerIdempotently(
  request: Request,
  response: Response,
  route: Route,
  input: RouteInput<unknown, unknown, unknown>,
  key: string,
): Promise<void> {
  const { db } = input.deps;
  const fingerprint = requestFingerprint({
    method: route.method,
    path: request.path,
    body: request.body ?? {},
  });
  const claim = await claimIdempotencyKey(db, input.merchantId, key, fingerprint);
  if (claim.kind === "replay") {
    response
      .status(claim.status)
      .set("Idempotent-Replayed", "true")
      .type("application/json")
      .send(claim.body);
    return;
  }
  let text: string;
  try {
    text = JSON.stringify(await route.handle(input));
  } catch (error) {
    await releaseIdempotencyKey(db, input.merchantId, key);
    throw error;
  }
  await completeIdempotencyKey(db, input.merchantId, key, route.success.status, text);
  response.status(route.success.status).type("application/json").send(text);
}

function parse(schema: InputSchema, value: unknown, location: "body" | "query" | "path"): unknown {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw fromZodIssue(result.error.issues[0]!, location);
  return result.data;
}
