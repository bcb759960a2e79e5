import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { API_VERSION } from "@paygate/shared";
import { z } from "zod";
import type { Route } from "../http/route.ts";
import { errorSchema } from "../schemas/common.ts";

/** Statuses every authenticated route can answer. */
const commonErrors: Record<number, string> = {
  400: "Malformed request: invalid JSON, unknown or invalid parameter",
  401: "Missing, invalid or revoked API key",
  413: "Request body over 64 KiB",
  429: "Rate limited; see Retry-After",
  500: "Internal error",
};

const routeErrors: Record<number, string> = {
  404: "No such object (or it belongs to another merchant)",
  409: "Conflict: state does not allow this, or the Idempotency-Key is in use",
  422: "Well-formed but not acceptable",
  503: "No exchange rate available right now",
};

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(
  routes: readonly Route[],
  serverUrl: string,
): ReturnType<OpenApiGeneratorV31["generateDocument"]> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "A merchant API key (`sk_...`), created by an operator with `paygate keys create`",
  });
  const errorResponse = (description: string) => ({
    description,
    content: { "application/json": { schema: errorSchema } },
  });

  for (const route of routes) {
    const responses: RouteConfig["responses"] = {
      [route.success.status]: {
        description: route.success.description,
        content: { "application/json": { schema: route.success.schema } },
      },
    };
    for (const [status, description] of Object.entries(commonErrors))
      responses[status] = errorResponse(description);
    for (const status of route.errors ?? [])
      responses[status] = errorResponse(routeErrors[status] ?? "Error");
    registry.registerPath({
      method: route.method,
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      description: route.description,
      tags: [route.tag],
      security: [{ apiKey: [] }],
      request: {
        params: route.params,
        query: route.query,
        headers: route.idempotent
          ? z.object({
              "Idempotency-Key": z.string().max(255).optional().meta({
                description: "Retry safely: the same key and body replay the first answer (kept 24 h)",
              }),
            })
          : undefined,
        body: route.body
          ? { required: true, content: { "application/json": { schema: route.body } } }
          : undefined,
      },
      responses,
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "paygate API",
      version: API_VERSION,
      description:
        "Self-hosted crypto payment gateway. Amounts are exact decimal strings; lists are cursor pages, newest first.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
  });
}
