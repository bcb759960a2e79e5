import { z } from "zod";

/**
 * The intent and payment objects as merchants see them, in REST answers and webhook bodies alike. One zod
 * schema types the presenter, validates answers in tests and generates the OpenAPI document.
 */
export const isoTimestamp = z.iso.datetime({ offset: true }).meta({ example: "2026-01-15T10:30:00.000Z" });

/** A public id with its prefix (`pi_`, `evt_`, `we_`...), for documents. */
export function prefixedId(prefix: string) {
  return z
    .string()
    .meta({ description: `Object id (\`${prefix}_...\`)`, example: `${prefix}_01JH8X4J9Q7ZQ3K5Z8V6T0M2AB` });
}

export const INTENT_STATUSES = [
  "awaiting_payment",
  "pending",
  "confirmed",
  "underpaid",
  "expired",
  "canceled",
] as const;

export const intentStatusSchema = z.enum(INTENT_STATUSES);

export const paymentObjectSchema = z
  .object({
    id: prefixedId("pay"),
    tx_hash: z.string(),
    index: z.int(),
    amount: z.string().meta({ description: "Decimal string in asset units" }),
    block_number: z.int().nullable(),
    confirmations: z.int(),
    status: z.enum(["pending", "confirmed", "reverted"]),
    counted: z
      .boolean()
      .meta({ description: "false: recorded after the intent was canceled or closed; it changed nothing" }),
    rbf: z.boolean(),
    seen_at: isoTimestamp,
  })
  .meta({ id: "Payment" });

export const intentObjectSchema = z
  .object({
    id: prefixedId("pi"),
    object: z.literal("payment_intent"),
    status: intentStatusSchema,
    chain: z.string(),
    asset: z.string(),
    address: z.string(),
    amount_due: z.string().meta({ example: "49.000000" }),
    amount_received: z.string(),
    amount_confirmed: z.string(),
    overpaid_amount: z.string().nullable(),
    late: z.boolean(),
    confirmations: z.int(),
    required_confirmations: z.int(),
    price: z.object({ amount: z.string(), currency: z.string() }),
    quote: z.object({
      rate: z.string(),
      source: z.string(),
      quoted_at: isoTimestamp,
      expires_at: isoTimestamp,
    }),
    payment_uri: z.string(),
    checkout_url: z.string(),
    payments: z.array(paymentObjectSchema),
    order_id: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: isoTimestamp,
    expires_at: isoTimestamp,
    monitoring_ends_at: isoTimestamp,
    confirmed_at: isoTimestamp.nullable(),
    canceled_at: isoTimestamp.nullable(),
  })
  .meta({ id: "PaymentIntent" });

export type PaymentObject = z.output<typeof paymentObjectSchema>;
export type IntentObject = z.output<typeof intentObjectSchema>;
