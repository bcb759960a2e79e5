import type { IntentObject } from "@paygate/shared";
import { parseUnits } from "viem";

/** Nothing is left to pay and no amount was given. */
export class NothingDueError extends Error {
  override name = "NothingDueError";
  readonly code = "nothing_due";
}

/** `--amount` is not a positive decimal the asset can carry. */
export class InvalidPayAmountError extends Error {
  override name = "InvalidPayAmountError";
  readonly code = "invalid_amount";
}

/**
 * Base units to send: `amount` when given (a partial payment or an overpayment), otherwise what is still due
 * (`amount_due` minus `amount_received`, so a second `pay` tops a partial payment up).
 */
export function amountToPay(
  intent: Pick<IntentObject, "id" | "asset" | "amount_due" | "amount_received">,
  decimals: number,
  amount: string | undefined,
): bigint {
  if (amount !== undefined) {
    const places = amount.split(".")[1]?.length ?? 0;
    if (!/^\d+(\.\d+)?$/.test(amount) || places > decimals)
      throw new InvalidPayAmountError(
        `--amount ${amount}: expected a positive decimal with at most ${decimals} places (${intent.asset})`,
      );
    const units = parseUnits(amount, decimals);
    if (units === 0n) throw new InvalidPayAmountError("--amount must be more than 0");
    return units;
  }
  const due = parseUnits(intent.amount_due, decimals) - parseUnits(intent.amount_received, decimals);
  if (due <= 0n)
    throw new NothingDueError(
      `${intent.id} has received ${intent.amount_received} of ${intent.amount_due} ${intent.asset}: ` +
        "nothing is due (pass --amount to pay more)",
    );
  return due;
}
