import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import {
  API_VERSION,
  type CatalogueEntry,
  type ErrorCode,
  EVENT_BODY_SCHEMAS,
  EVENT_DATA_SCHEMAS,
  errorCatalogue,
} from "@paygate/shared";
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

  registerWebhooks(registry);

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

/** Standard Webhooks headers (https://www.standardwebhooks.com), sent with every attempt. */
const webhookHeaders = z.object({
  "webhook-id": z.string().meta({
    description: "The event id: the same across retries, endpoints and manual resends (dedupe on it)",
    example: "evt_01JH8X4J9Q7ZQ3K5Z8V6T0M2AB",
  }),
  "webhook-timestamp": z
    .string()
    .meta({ description: "Unix seconds of this attempt", example: "1767225600" }),
  "webhook-signature": z.string().meta({
    description:
      'Space-separated `v1,<base64 HMAC-SHA256(base64-decoded secret without "whsec_", "{webhook-id}.{webhook-timestamp}.{raw body}")>`, one per valid secret during a rotation',
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  }),
});

/** OpenAPI 3.1 `webhooks`: what each event type's request to the merchant's endpoint looks like. */
function registerWebhooks(registry: OpenAPIRegistry): void {
  registry.registerComponent("securitySchemes", "webhookSignature", {
    type: "apiKey",
    in: "header",
    name: "webhook-signature",
    description:
      "Standard Webhooks signature with the endpoint's secret (`whsec_...`): verify the raw body with the `standardwebhooks` or `svix` library before parsing it",
  });
  for (const [type, schema] of Object.entries(EVENT_BODY_SCHEMAS)) {
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: `webhook_${type.replace(".", "_")}`,
      summary: type,
      description: EVENT_DATA_SCHEMAS[type as keyof typeof EVENT_DATA_SCHEMAS].description,
      tags: ["Webhooks"],
      security: [{ webhookSignature: [] }],
      request: {
        headers: webhookHeaders,
        body: { required: true, content: { "application/json": { schema } } },
      },
      responses: {
        200: { description: "Any 2xx within 15 s acknowledges the event; anything else is retried" },
      },
    });
  }
}
