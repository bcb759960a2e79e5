import type { Checkout } from "@paygate/api";
import {
  chainPresets,
  findAsset,
  formatAmount,
  type IntentObject,
  parseAmount,
  paymentUri,
} from "@paygate/shared";

/** For the checkout pages' tests: a checkout built in memory, on a preset chain, as `findCheckout` would return it. */
export const FIXTURE_NOW = new Date("2026-12-01T10:00:00.000Z");

const addresses: Record<string, string> = {
  base: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  bitcoin: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
};

export function fixtureCheckout(
  options: { chain?: "base" | "bitcoin"; asset?: string; intent?: Partial<IntentObject> } = {},
): Checkout {
  const chain = chainPresets.find((preset) => preset.id === (options.chain ?? "base"))!;
  const asset = findAsset(chain, options.asset ?? (chain.family === "bitcoin" ? "BTC" : "USDC"))!;
  const zero = formatAmount(0n, asset.decimals);
  const intent: IntentObject = {
    id: "pi_01JZ8Q6V4M0000000000000000",
    object: "payment_intent",
    status: "awaiting_payment",
    chain: chain.id,
    asset: asset.symbol,
    address: addresses[chain.id]!,
    amount_due: formatAmount(49n * 10n ** BigInt(asset.decimals), asset.decimals),
    amount_received: zero,
    amount_confirmed: zero,
    overpaid_amount: null,
    late: false,
    confirmations: 0,
    required_confirmations: chain.requiredConfirmations,
    price: { amount: "49.00", currency: "USD" },
    quote: { rate: "1", source: "pegged", quoted_at: "2026-12-01T09:55:00.000Z", expires_at: "" },
    payment_uri: "",
    checkout_url: "https://gateway.test/pay/pi_01JZ8Q6V4M0000000000000000",
    payments: [],
    order_id: "ord_1",
    metadata: {},
    created_at: "2026-12-01T09:55:00.000Z",
    expires_at: "2026-12-01T10:10:00.000Z",
    monitoring_ends_at: "2026-12-02T10:10:00.000Z",
    confirmed_at: null,
    canceled_at: null,
    ...options.intent,
  };
  intent.payment_uri = paymentUri(
    {
      address: intent.address,
      asset: intent.asset,
      amount_due: parseAmount(intent.amount_due, asset.decimals),
    },
    chain,
  );
  return { intent, merchantName: "Test shop", chain, asset };
}
