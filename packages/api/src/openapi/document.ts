import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { API_VERSION, type CatalogueEntry, type ErrorCode, errorCatalogue } from "@paygate/shared";
import { z } from "zod";
import type { Route } from "../http/route.ts";
import { errorSchema } from "../schemas/common.ts";

const statusTitles: Record<number, string> = {
  400: "Malformed request",
  401: "Missing, invalid or revoked API key",
  404: "No such object",
  409: "Conflict",
  413: "Request body too large",
  415: "Unsupported media type",
  422: "Well-formed but not acceptable",
  429: "Rate limited",
  500: "Internal error",
  503: "Unavailable right now",
};

/** The error codes an operation answers, by status, from the error catalogue (one line per code). */
export function errorCodesOf(operationId: string): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const [code, entry] of Object.entries(errorCatalogue) as [ErrorCode, CatalogueEntry][]) {
    const answered = entry.on === "every" || (entry.on !== "operator" && entry.on.includes(operationId));
    if (!answered) continue;
    for (const status of entry.status) byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

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
    for (const [status, codes] of errorCodesOf(route.operationId)) {
      const lines = codes.map((code) => `- \`${code}\`: ${errorCatalogue[code].description}`);
      responses[status] = errorResponse([statusTitles[status] ?? "Error", ...lines].join("\n"));
    }
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
