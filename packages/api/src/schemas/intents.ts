import { intentStatusSchema } from "@paygate/shared";
import { z } from "zod";
import { pageQuery, text, timestamp } from "./common.ts";

export const decimalString = z
  .string()
  .regex(/^(0|[1-9]\d{0,29})(\.\d{1,36})?$/, 'must be a positive decimal string such as "49.00"')
  .refine((value) => /[1-9]/.test(value), "must be greater than zero");

export const METADATA_MAX_KEYS = 20;
export const METADATA_KEY_MAX = 40;
export const METADATA_VALUE_MAX = 500;
/**
 * Keeps event bodies under the contract's 20 KiB even when values are multi-byte text, while every ASCII
 * metadata the contract allows (20 keys, values of 500 characters: about 11 KB) still fits.
 */
export const METADATA_MAX_BYTES = 12 * 1024;

export const metadataSchema = z
  .record(
    text(METADATA_KEY_MAX)
      .min(1)
      .refine((key) => key !== "__proto__", "is reserved"),
    text(METADATA_VALUE_MAX),
  )
  .refine(
    (metadata) => Object.keys(metadata).length <= METADATA_MAX_KEYS,
    `at most ${METADATA_MAX_KEYS} keys`,
  )
  .refine(
    (metadata) => Buffer.byteLength(JSON.stringify(metadata)) <= METADATA_MAX_BYTES,
    `at most ${METADATA_MAX_BYTES} bytes as JSON`,
  )
  .meta({
    description: `Your own key-value pairs: at most ${METADATA_MAX_KEYS} keys of ${METADATA_KEY_MAX} characters, string values of ${METADATA_VALUE_MAX} characters, ${METADATA_MAX_BYTES} bytes in all`,
    example: { customer: "c_123" },
  });

const chainId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a chain id such as "base"')
  .meta({ example: "base" });
const assetSymbol = z
  .string()
  .regex(/^[A-Z0-9.]{2,12}$/, 'must be an upper-case asset symbol such as "USDC"')
  .meta({ example: "USDC" });
const currencyCode = z
  .string()
  .regex(/^[A-Z0-9.]{2,12}$/, 'must be an upper-case fiat code ("USD") or the asset\'s own symbol')
  .meta({ example: "USD" });

export const createIntentBody = z
  .strictObject({
    amount: decimalString.meta({ description: "Price in `currency`", example: "49.00" }),
    currency: currencyCode,
    asset: assetSymbol,
    chain: chainId,
    order_id: text(200).min(1).optional().meta({ example: "ord_98117" }),
    metadata: metadataSchema.optional(),
    expires_in: z.int().min(60).max(86_400).default(900).meta({ description: "Seconds until expiry" }),
    confirmations: z
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .meta({ description: "Raise (never lower) the chain's confirmation threshold" }),
  })
  .meta({ id: "CreatePaymentIntent" });
export type CreateIntentBody = z.output<typeof createIntentBody>;

export const listIntentsQuery = z.strictObject({
  ...pageQuery,
  status: intentStatusSchema.optional(),
  order_id: text(200).optional(),
});

export const quoteQuery = z.strictObject({
  amount: decimalString,
  currency: currencyCode,
  asset: assetSymbol,
  chain: chainId,
});

export { intentObjectSchema, paymentObjectSchema } from "@paygate/shared";

export const quoteObjectSchema = z
  .object({
    object: z.literal("quote"),
    chain: z.string(),
    asset: z.string(),
    amount: z
      .string()
      .meta({ description: "What the payer would send, in asset units", example: "0.016333333333333334" }),
    price: z.object({ amount: z.string(), currency: z.string() }),
    rate: z.string(),
    source: z.string(),
    quoted_at: timestamp,
  })
  .meta({ id: "Quote" });

export const assetObjectSchema = z
  .object({
    chain: z.string(),
    asset: z.string(),
    type: z.enum(["native", "erc20"]),
    decimals: z.int(),
    contract: z.string().optional(),
    required_confirmations: z.int(),
  })
  .meta({ id: "Asset" });
