import type { Asset } from "./payer.ts";
import type { Random } from "./random.ts";

/**
 * What each intent gets paid: `full` the amount due in one transfer, `split` in two, `partial` half (then it
 * expires: underpaid), `over` 150%, `late` the full amount after expiry, `unpaid` nothing (expired).
 */
export type IntentKind = "full" | "split" | "partial" | "over" | "late" | "unpaid";

export interface IntentPlan {
  kind: IntentKind;
  asset: Asset;
  /** Decimal in asset units, as the API takes it. */
  amount: string;
  /** Seconds; the contract's minimum (60) where expiry is part of the story. */
  expiresIn: number;
  /** When the first transfer goes out, after creation (late ones: after expiry as well). */
  payAfterMs: number;
  /** A split's second transfer, after the first. */
  secondAfterMs: number;
}

const KINDS: readonly IntentKind[] = ["full", "full", "split", "partial", "over", "late", "unpaid"];
/** Short enough that expiry happens within the soak, and the contract's minimum. */
export const SHORT_EXPIRY_S = 60;
/** Payments are spread over the fault window, so faults land while transfers are being seen and confirmed. */
const PAY_WINDOW_MS = 50_000;

export function planIntents(count: number, random: Random): IntentPlan[] {
  return Array.from({ length: count }, () => {
    const kind = random.pick(KINDS);
    const asset: Asset = random() < 0.5 ? "ETH" : "TUSD";
    const amount = asset === "ETH" ? `0.0${random.int(1, 9)}` : `${random.int(1, 99)}.${random.int(10, 99)}`;
    const expiresIn = kind === "partial" || kind === "late" || kind === "unpaid" ? SHORT_EXPIRY_S : 900;
    return {
      kind,
      asset,
      amount,
      expiresIn,
      payAfterMs: random.int(0, kind === "late" ? 10_000 : PAY_WINDOW_MS),
      secondAfterMs: random.int(1000, 8000),
    };
  });
}

/** The transfers for an intent, in base units, from its amount due. */
export function transfersFor(kind: IntentKind, due: bigint): bigint[] {
  switch (kind) {
    case "full":
    case "late":
      return [due];
    case "split":
      return [due / 2n, due - due / 2n];
    case "partial":
      return [due / 2n];
    case "over":
      return [due + due / 2n];
    case "unpaid":
      return [];
  }
}
