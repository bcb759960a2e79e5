import { WEBHOOK_EVENT_TYPES } from "@paygate/shared";
import { z } from "zod";
import { idOf, pageQuery, text, timestamp } from "./common.ts";

const eventType = z.enum(WEBHOOK_EVENT_TYPES as [string, ...string[]]);

const subscribedEvents = z
  .array(z.enum(["*", ...WEBHOOK_EVENT_TYPES] as [string, ...string[]]))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((events) => new Set(events).size === events.length, "must not repeat an event type")
  .refine((events) => !events.includes("*") || events.length === 1, '"*" stands alone')
  .meta({ description: 'Event types to receive, or ["*"] for all', example: ["payment.confirmed"] });

const webhookUrl = text(2048).meta({
  description: "https URL receiving the events",
  example: "https://shop.example/webhooks/paygate",
});

export const createEndpointBody = z
  .strictObject({
    url: webhookUrl,
    events: subscribedEvents.optional(),
    description: text(500).optional(),
  })
  .meta({ id: "CreateWebhookEndpoint" });

export const updateEndpointBody = z
  .strictObject({
    url: webhookUrl.optional(),
    events: subscribedEvents.optional(),
    enabled: z.boolean().optional(),
    description: text(500).optional(),
  })
  .meta({ id: "UpdateWebhookEndpoint" });

export const recoverBody = z
  .strictObject({
    since: timestamp.meta({ description: "Resend what failed from this time on (at most 14 days back)" }),
    until: timestamp.optional(),
  })
  .meta({ id: "RecoverWebhookEndpoint" });

export const redeliverBody = z
  .strictObject({ endpoint_id: idOf("we").optional().meta({ description: "Only to this endpoint" }) })
  .meta({ id: "RedeliverEvent" });

export const endpointListQuery = z.strictObject({ ...pageQuery });

export const eventListQuery = z.strictObject({
  ...pageQuery,
  type: eventType.optional(),
  payment_intent: idOf("pi").optional(),
});

export const endpointObjectSchema = z
  .object({
    id: idOf("we"),
    object: z.literal("webhook_endpoint"),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    failing_since: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "WebhookEndpoint" });

export const endpointWithSecretSchema = endpointObjectSchema
  .extend({
    secret: z.string().meta({ description: "Signing secret; shown only here", example: "whsec_..." }),
  })
  .meta({ id: "WebhookEndpointWithSecret" });

export const deletedEndpointSchema = z
  .object({ id: idOf("we"), object: z.literal("webhook_endpoint"), deleted: z.literal(true) })
  .meta({ id: "DeletedWebhookEndpoint" });

export const eventObjectSchema = z
  .object({
    id: idOf("evt"),
    object: z.literal("event"),
    type: z.string(),
    created_at: timestamp,
    api_version: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "Event" });

export const eventWithBodySchema = eventObjectSchema
  .extend({
    body: z.string().meta({
      description:
        "The body exactly as receivers got it (the signed bytes): verify a signature against this string, not a re-serialised object",
    }),
  })
  .meta({ id: "EventWithBody" });

export const deliveryListQuery = z.strictObject({ ...pageQuery });

export const deliveryAttemptSchema = z
  .object({
    id: idOf("att"),
    object: z.literal("delivery_attempt"),
    delivery: idOf("dlv"),
    event: idOf("evt"),
    endpoint: idOf("we"),
    manual: z.boolean(),
    attempt: z.int(),
    status_code: z.int().nullable(),
    error: z.string().nullable(),
    response_body: z.string().nullable(),
    duration_ms: z.int(),
    at: timestamp,
  })
  .meta({ id: "DeliveryAttempt" });

export const recoveryObjectSchema = z
  .object({ object: z.literal("recovery"), deliveries: z.int() })
  .meta({ id: "Recovery" });

export const redeliveryObjectSchema = z
  .object({ object: z.literal("redelivery"), deliveries: z.array(idOf("dlv")) })
  .meta({ id: "Redelivery" });
