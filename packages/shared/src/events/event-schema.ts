import { z } from "zod";
import {
  intentObjectSchema,
  isoTimestamp,
  paymentObjectSchema,
  prefixedId,
} from "../intents/intent-schema.ts";

/** The webhook API version stamped on every event body (contract section 4). */
export const API_VERSION = "2026-11-01";

const sequence = z.int().min(1).meta({
  description: "Increases with every event of the intent: drop an event older than the last applied",
});

/** Intent events carry the intent as the event leaves it; only events caused by one payment carry `payment`. */
const intentData = z.strictObject({ payment_intent: intentObjectSchema, sequence });
const paymentData = z.strictObject({
  payment_intent: intentObjectSchema,
  payment: paymentObjectSchema,
  sequence,
});
const overpaidData = z.strictObject({
  payment_intent: intentObjectSchema,
  payment: paymentObjectSchema.optional().meta({ description: "The newest live payment, when there is one" }),
  sequence,
});

/** What each event type means, for the OpenAPI document and the docs. */
export const EVENT_DATA_SCHEMAS = {
  "payment.pending": { data: paymentData, description: "A new payment was seen (mempool or first block)" },
  "payment.confirmed": { data: intentData, description: "Confirmed payments reach the amount due: fulfil" },
  "payment.underpaid": { data: intentData, description: "Expiry passed with part of the amount seen" },
  "payment.expired": { data: intentData, description: "Expiry passed with nothing seen" },
  "payment.overpaid": { data: overpaidData, description: "Received exceeds due, at or after confirmation" },
  "payment.reverted": {
    data: paymentData,
    description: "A reported payment left the chain (reorg, RBF, drop)",
  },
  "payment.canceled": { data: intentData, description: "The merchant canceled the intent" },
  "webhook.test": {
    data: z.strictObject({ webhook_endpoint: prefixedId("we") }),
    description: "Sent on demand by POST /v1/webhook-endpoints/{id}/test",
  },
} as const;

export type WebhookEventType = keyof typeof EVENT_DATA_SCHEMAS;

function eventBodySchema<T extends WebhookEventType>(type: T) {
  const { data, description } = EVENT_DATA_SCHEMAS[type];
  return z
    .object({
      id: prefixedId("evt"),
      type: z.literal(type),
      created_at: isoTimestamp,
      api_version: z.literal(API_VERSION),
      data: data as (typeof EVENT_DATA_SCHEMAS)[T]["data"],
    })
    .meta({ id: eventSchemaId(type), description });
}

/** `payment.confirmed` -> `PaymentConfirmedEvent`. */
function eventSchemaId(type: string): string {
  return `${type
    .split(/[._]/)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("")}Event`;
}

/** The body of each event type, byte-identical on every delivery (contract section 4). */
export const EVENT_BODY_SCHEMAS = Object.fromEntries(
  Object.keys(EVENT_DATA_SCHEMAS).map((type) => [type, eventBodySchema(type as WebhookEventType)]),
) as { [T in WebhookEventType]: ReturnType<typeof eventBodySchema<T>> };

export type EventBody<T extends WebhookEventType = WebhookEventType> = z.output<
  (typeof EVENT_BODY_SCHEMAS)[T]
>;
