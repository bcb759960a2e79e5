import { z } from "zod";
import { addressSchema, hexSchema, sweepPlanSchema } from "./plan-format.ts";

/** `paygate-sweep-bundle/1`: the plan and its signed transactions, in the order `send` broadcasts them. */
export const BUNDLE_FORMAT = "paygate-sweep-bundle/1";

export const signedTransactionSchema = z.object({
  kind: z.enum(["deploy_sweeper", "sweep_batch", "topup", "transfer"]),
  from: addressSchema,
  nonce: z.number().int().min(0),
  hash: hexSchema,
  raw: hexSchema,
  /** The deposit addresses this transaction sweeps (or funds, for a top-up). */
  addresses: z.array(addressSchema),
});
export type SignedTransaction = z.infer<typeof signedTransactionSchema>;

export const sweepBundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  plan: sweepPlanSchema,
  transactions: z.array(signedTransactionSchema),
});
export type SweepBundle = z.infer<typeof sweepBundleSchema>;
