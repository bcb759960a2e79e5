import type { Db } from "../db/connect.ts";
import type { Merchant } from "../db/schema.ts";
import { InvalidRequestError, NotFoundError } from "../errors.ts";
import { newId } from "../ids.ts";

/** Tenant settings (contract section 1): tolerance in basis points, monitoring window in seconds. */
export interface MerchantSettings {
  underpaymentToleranceBps?: number;
  monitoringWindowS?: number;
}

/** The database's own bounds (0001_initial), checked here so an operator gets a clear message, not a SQL error. */
const limits = {
  underpaymentToleranceBps: { min: 0, max: 9999 },
  monitoringWindowS: { min: 0, max: 2_592_000 },
} as const;

export async function createMerchant(db: Db, input: { name: string } & MerchantSettings): Promise<Merchant> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 200) {
    throw new InvalidRequestError("parameter_invalid", "name must be 1 to 200 characters", { param: "name" });
  }
  checkSettings(input);
  return db
    .insertInto("merchants")
    .values({
      id: newId("mer"),
      name,
      underpayment_tolerance_bps: input.underpaymentToleranceBps,
      monitoring_window_s: input.monitoringWindowS,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listMerchants(db: Db): Promise<Merchant[]> {
  return db.selectFrom("merchants").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").execute();
}

export async function getMerchant(db: Db, id: string): Promise<Merchant> {
  const merchant = await db.selectFrom("merchants").selectAll().where("id", "=", id).executeTakeFirst();
  if (!merchant) throw new NotFoundError("merchant", id);
  return merchant;
}

function checkSettings(settings: MerchantSettings): void {
  for (const [field, { min, max }] of Object.entries(limits) as [
    keyof MerchantSettings,
    { min: number; max: number },
  ][]) {
    const value = settings[field];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidRequestError(
        "parameter_invalid",
        `${field} must be an integer from ${min} to ${max}`,
        {
          param: field,
        },
      );
    }
  }
}
