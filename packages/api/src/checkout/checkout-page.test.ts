import type { IntentObject } from "@paygate/shared";
import { FIXTURE_NOW, fixtureCheckout } from "@paygate/testkit";
import { describe, expect, it } from "vitest";
import { type CheckoutView, renderCheckoutPage, renderLiveRegions } from "./checkout-page.ts";
import { publicStatus } from "./public-status.ts";

function viewOf(intent: Partial<IntentObject> = {}, now = FIXTURE_NOW): CheckoutView {
  const checkout = fixtureCheckout({ intent });
  const status = publicStatus(checkout, now);
  const payment =
    status.payment_uri === null ? undefined : { uri: status.payment_uri, qrSvg: "<svg>qr</svg>" };
  return { checkout, status, payment, now };
}

const states: Partial<IntentObject>[] = [
  {},
  { status: "pending", amount_received: "10.000000" },
  { status: "pending", amount_received: "49.000000", confirmations: 2 },
  { status: "confirmed", amount_received: "49.000000" },
  { status: "underpaid", amount_received: "10.000000" },
  { status: "expired" },
  { status: "canceled" },
];

describe("renderCheckoutPage", () => {
  it("names the token contract and network of an ERC-20 payment", () => {
    const page = renderCheckoutPage(viewOf(), "n0nce");
    expect(page).toContain(
      '<dt>Token contract</dt><dd><span class="value mono">0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913</span>',
    );
    expect(page).toContain("<dt>Network</dt>\n<dd>Base</dd>");
    expect(page).toContain("Send only USDC on Base.");
    expect(page).toContain("Price <strong>49.00 USD</strong>");
    expect(page).toContain(
      '<time role="timer" datetime="2026-12-01T10:10:00.000Z" data-expires-at="2026-12-01T10:10:00.000Z">10:00</time>',
    );
  });

  it.each(states)("renders every live region exactly once in state %o", (intent) => {
    const view = viewOf(intent);
    const page = renderCheckoutPage(view, "n0nce");
    for (const region of ["status", "instructions", "summary"]) {
      expect(page.split(`data-region="${region}"`)).toHaveLength(2);
    }
    const accepting = view.status.accepting_payment;
    expect(page.includes('aria-label="How to pay" hidden')).toBe(!accepting);
    expect(page.includes('aria-label="Payment summary" hidden')).toBe(accepting);
    expect(page.includes("<svg>qr</svg>")).toBe(accepting);
  });

  it("stops the countdown once the intent is past expiry", () => {
    const view = viewOf(
      { status: "pending", amount_received: "10.000000" },
      new Date("2026-12-01T10:20:00Z"),
    );
    expect(view.status.accepting_payment).toBe(true);
    expect(renderCheckoutPage(view, "n0nce")).not.toContain('role="timer"');
  });

  it("lists the counted transactions in the summary, not reverted or uncounted ones", () => {
    const payment = {
      id: "pay_1",
      index: 0,
      amount: "49.000000",
      block_number: 1,
      confirmations: 40,
      rbf: false,
      seen_at: "2026-12-01T09:58:00.000Z",
    };
    const regions = renderLiveRegions(
      viewOf({
        status: "confirmed",
        amount_received: "49.000000",
        payments: [
          { ...payment, tx_hash: "0xcounted", status: "confirmed", counted: true },
          { ...payment, tx_hash: "0xreverted", status: "reverted", counted: true },
          { ...payment, tx_hash: "0xafterclose", status: "confirmed", counted: false },
        ],
      }),
    ).text;
    expect(regions).toContain('<dt>Transaction</dt><dd><span class="value mono">0xcounted</span></dd>');
    expect(regions).not.toContain("0xreverted");
    expect(regions).not.toContain("0xafterclose");
  });

  it("keeps style and script out of the live regions the page swaps in", () => {
    for (const intent of states) {
      const regions = renderLiveRegions(viewOf(intent)).text;
      expect(regions).not.toMatch(/<(style|script)\b|\sstyle=|\son[a-z]+=/);
    }
  });
});
