import { z } from "zod";

/**
 * `paygate-sweep-plan/1`: what `plan` read and decided, and all `sign` needs (gas limits and fee caps are used
 * as they are). Amounts are base units as decimal strings; the plan never holds a secret.
 */
export const PLAN_FORMAT = "paygate-sweep-plan/1";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "expected 0x-prefixed hex");
const baseUnits = z.string().regex(/^\d+$/, "expected base units as a whole decimal string");

export const sweepMethodSchema = z.enum(["eip7702", "topup"]);
export type SweepMethod = z.infer<typeof sweepMethodSchema>;

export const planAssetSchema = z.object({
  symbol: z.string(),
  type: z.enum(["native", "erc20"]),
  decimals: z.number().int().min(0),
  contract: address.nullable(),
});
export type PlanAsset = z.infer<typeof planAssetSchema>;

export const planAddressSchema = z.object({
  address,
  index: z.number().int().min(0),
  path: z.string(),
  nonce: z.number().int().min(0),
  /** The contract the address delegates to (EIP-7702), null when it has no code. */
  delegated_to: address.nullable(),
  /** Balance per asset symbol, only assets it holds. */
  balances: z.record(z.string(), baseUnits),
});
export type PlanAddress = z.infer<typeof planAddressSchema>;

/** A transaction `sign` will produce, fixed here so the signer decides nothing about gas. */
export const planTransactionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("deploy_sweeper"), from: address, gas: baseUnits }),
  z.object({
    kind: z.literal("sweep_batch"),
    from: address,
    addresses: z.array(address).min(1).max(100),
    gas: baseUnits,
  }),
  z.object({ kind: z.literal("topup"), from: address, to: address, value: baseUnits, gas: baseUnits }),
  z.object({
    kind: z.literal("transfer"),
    from: address,
    asset: z.string(),
    to: address,
    amount: baseUnits,
    gas: baseUnits,
  }),
]);
export type PlanTransaction = z.infer<typeof planTransactionSchema>;

export const sweepPlanSchema = z.object({
  format: z.literal(PLAN_FORMAT),
  created_at: z.string(),
  merchant_id: z.string(),
  chain: z.object({
    id: z.string(),
    chain_id: z.number().int().positive(),
    required_confirmations: z.number().int().min(1),
  }),
  block_number: baseUnits,
  account_xpub: z.string(),
  method: sweepMethodSchema,
  treasury: address,
  sponsor: z.object({ address, nonce: z.number().int().min(0), balance: baseUnits }),
  sweeper: z.object({ address, deployed: z.boolean(), deployment_proxy_present: z.boolean() }).nullable(),
  assets: z.array(planAssetSchema),
  fees: z.object({ max_fee_per_gas: baseUnits, max_priority_fee_per_gas: baseUnits }),
  addresses: z.array(planAddressSchema),
  skipped: z.array(z.object({ address, index: z.number().int(), reason: z.string() })),
  transactions: z.array(planTransactionSchema),
  estimate: z.object({ gas: baseUnits, max_fee: baseUnits, sponsor_can_pay: z.boolean() }),
});
export type SweepPlan = z.infer<typeof sweepPlanSchema>;

export { address as addressSchema, baseUnits as baseUnitsSchema, hex as hexSchema };
