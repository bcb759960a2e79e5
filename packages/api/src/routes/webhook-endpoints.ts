import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  recoverEndpoint,
  rotateEndpointSecret,
  sendTestEvent,
  updateEndpoint,
  type WebhookUrlPolicy,
  webhookUrlPolicy,
} from "@paygate/shared";
import type { ApiDeps } from "../deps.ts";
import { defineRoute } from "../http/route.ts";
import { idParamsOf, listOf, pageRequest } from "../schemas/common.ts";
import {
  createEndpointBody,
  deletedEndpointSchema,
  endpointListQuery,
  endpointObjectSchema,
  endpointWithSecretSchema,
  eventObjectSchema,
  recoverBody,
  recoveryObjectSchema,
  updateEndpointBody,
} from "../schemas/webhooks.ts";

const tag = "Webhook endpoints";

function urlPolicy(deps: ApiDeps): WebhookUrlPolicy {
  return webhookUrlPolicy(deps.config);
}

export const webhookEndpointRoutes = [
  defineRoute({
    method: "post",
    path: "/v1/webhook-endpoints",
    operationId: "createWebhookEndpoint",
    summary: "Create a webhook endpoint",
    description: "The answer carries the signing `secret`; it is shown only here.",
    tag,
    body: createEndpointBody,
    success: { status: 201, description: "The endpoint and its secret", schema: endpointWithSecretSchema },
    handle: ({ deps, merchantId, body }) =>
      createEndpoint(deps.db, merchantId, body, urlPolicy(deps), deps.config.webhooks.maxEndpoints),
  }),
  defineRoute({
    method: "get",
    path: "/v1/webhook-endpoints",
    operationId: "listWebhookEndpoints",
    summary: "List webhook endpoints",
    tag,
    query: endpointListQuery,
    success: {
      status: 200,
      description: "Endpoints, newest first",
      schema: listOf(endpointObjectSchema, "WebhookEndpointList"),
    },
    handle: ({ deps, merchantId, query }) => listEndpoints(deps.db, merchantId, pageRequest(query)),
  }),
  defineRoute({
    method: "get",
    path: "/v1/webhook-endpoints/{id}",
    operationId: "getWebhookEndpoint",
    summary: "Retrieve a webhook endpoint",
    tag,
    params: idParamsOf("we"),
    success: { status: 200, description: "The endpoint", schema: endpointObjectSchema },
    handle: ({ deps, merchantId, params }) => getEndpoint(deps.db, merchantId, params.id),
  }),
  defineRoute({
    method: "patch",
    path: "/v1/webhook-endpoints/{id}",
    operationId: "updateWebhookEndpoint",
    summary: "Update a webhook endpoint",
    description: "`enabled: true` re-enables an endpoint that was disabled after failing.",
    tag,
    params: idParamsOf("we"),
    body: updateEndpointBody,
    success: { status: 200, description: "The endpoint", schema: endpointObjectSchema },
    handle: ({ deps, merchantId, params, body }) =>
      updateEndpoint(deps.db, merchantId, params.id, body, urlPolicy(deps)),
  }),
  defineRoute({
    method: "delete",
    path: "/v1/webhook-endpoints/{id}",
    operationId: "deleteWebhookEndpoint",
    summary: "Delete a webhook endpoint",
    tag,
    params: idParamsOf("we"),
    success: { status: 200, description: "Deleted", schema: deletedEndpointSchema },
    handle: ({ deps, merchantId, params }) => deleteEndpoint(deps.db, merchantId, params.id),
  }),
  defineRoute({
    method: "post",
    path: "/v1/webhook-endpoints/{id}/rotate-secret",
    operationId: "rotateWebhookEndpointSecret",
    summary: "Rotate an endpoint's signing secret",
    description: "The new secret is returned; the old one keeps signing beside it for 24 hours.",
    tag,
    params: idParamsOf("we"),
    success: {
      status: 200,
      description: "The endpoint and its new secret",
      schema: endpointWithSecretSchema,
    },
    handle: ({ deps, merchantId, params }) => rotateEndpointSecret(deps.db, merchantId, params.id),
  }),
  defineRoute({
    method: "post",
    path: "/v1/webhook-endpoints/{id}/test",
    operationId: "testWebhookEndpoint",
    summary: "Send a webhook.test event to the endpoint",
    tag,
    params: idParamsOf("we"),
    success: { status: 202, description: "The test event, queued for delivery", schema: eventObjectSchema },
    handle: ({ deps, merchantId, params }) => sendTestEvent(deps.db, merchantId, params.id),
  }),
  defineRoute({
    method: "post",
    path: "/v1/webhook-endpoints/{id}/recover",
    operationId: "recoverWebhookEndpoint",
    summary: "Resend every delivery that never succeeded in a time window",
    tag,
    params: idParamsOf("we"),
    body: recoverBody,
    success: { status: 202, description: "How many deliveries were queued", schema: recoveryObjectSchema },
    handle: ({ deps, merchantId, params, body }) =>
      recoverEndpoint(deps.db, merchantId, params.id, {
        since: new Date(body.since),
        until: body.until === undefined ? undefined : new Date(body.until),
      }),
  }),
];
