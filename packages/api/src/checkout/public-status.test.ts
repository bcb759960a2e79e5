import { FIXTURE_NOW, fixtureCheckout } from "@paygate/testkit";
import { describe, expect, it } from "vitest";
import { publicStatus } from "./public-status.ts";

const afterExpiry = new Date("2026-12-01T10:10:00.001Z");
const afterWindow = new Date("2026-12-02T10:10:00.000Z");

describe("publicStatus", () => {
  it("asks for the whole amount while awaiting payment, and only until expiry", () => {
    const checkout = fixtureCheckout();
    expect(publicStatus(checkout, FIXTURE_NOW)).toMatchObject({
      status: "awaiting_payment",
      amount_due: "49.000000",
      amount_remaining: "49.000000",
      accepting_payment: true,
      final: false,
      payment_uri: checkout.intent.payment_uri,
      server_time: FIXTURE_NOW.toISOString(),
    });
    // the sweep has not marked it expired yet: the page must not invite a payment anyway
    expect(publicStatus(checkout, afterExpiry)).toMatchObject({
      accepting_payment: false,
      payment_uri: null,
    });
  });

  it("asks for exactly what is still due after a partial payment, as a token transfer URI", () => {
    const status = publicStatus(
      fixtureCheckout({ intent: { status: "pending", amount_received: "20.000001" } }),
      FIXTURE_NOW,
    );
    expect(status).toMatchObject({ amount_remaining: "28.999999", accepting_payment: true });
    expect(status.payment_uri).toBe(
      "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?address=0x70997970C51812dc3A010C7d01b50e0d17dc79C8&uint256=28999999",
    );
  });

  it("keeps Bitcoin amounts exact in BIP21", () => {
    const status = publicStatus(
      fixtureCheckout({
        chain: "bitcoin",
        intent: { status: "underpaid", amount_due: "0.00050000", amount_received: "0.00012345" },
      }),
      afterExpiry,
    );
    expect(status).toMatchObject({ amount_remaining: "0.00037655", accepting_payment: true, final: false });
    expect(status.payment_uri).toBe("bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.00037655");
  });

  it.each([
    ["pending", "49.000000", FIXTURE_NOW, { accepting_payment: false, final: false }],
    ["confirmed", "50.000000", FIXTURE_NOW, { accepting_payment: false, final: true }],
    ["canceled", "0.000000", FIXTURE_NOW, { accepting_payment: false, final: true }],
    ["expired", "0.000000", afterExpiry, { accepting_payment: false, final: false }],
    ["expired", "0.000000", afterWindow, { accepting_payment: false, final: true }],
    ["underpaid", "10.000000", afterExpiry, { accepting_payment: true, final: false }],
    ["underpaid", "10.000000", afterWindow, { accepting_payment: false, final: true }],
  ] as const)("%s with %s received at %s: %o", (state, received, now, expected) => {
    const status = publicStatus(
      fixtureCheckout({ intent: { status: state, amount_received: received } }),
      now,
    );
    expect(status).toMatchObject(expected);
    expect(status.payment_uri === null).toBe(!expected.accepting_payment);
  });

  it("never clamps below zero and exposes no merchant fields", () => {
    const status = publicStatus(
      fixtureCheckout({
        intent: {
          status: "confirmed",
          amount_received: "50.000000",
          overpaid_amount: "1.000000",
          metadata: { customer: "c_1" },
        },
      }),
      FIXTURE_NOW,
    );
    expect(status.amount_remaining).toBe("0.000000");
    expect(status.overpaid_amount).toBe("1.000000");
    for (const field of [
      "order_id",
      "metadata",
      "price",
      "quote",
      "merchant_id",
      "payments",
      "checkout_url",
    ]) {
      expect(status).not.toHaveProperty(field);
    }
  });
});
