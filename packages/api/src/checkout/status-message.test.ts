import type { IntentObject } from "@paygate/shared";
import { FIXTURE_NOW, fixtureCheckout } from "@paygate/testkit";
import { describe, expect, it } from "vitest";
import { publicStatus } from "./public-status.ts";
import { statusMessage } from "./status-message.ts";

const afterExpiry = new Date("2026-12-01T10:10:01.000Z");

function messageFor(intent: Partial<IntentObject>, now = FIXTURE_NOW) {
  return statusMessage(publicStatus(fixtureCheckout({ intent }), now));
}

describe("statusMessage", () => {
  it.each([
    [{}, "waiting", "Awaiting payment", "Send exactly 49 USDC"],
    [
      { status: "pending", amount_received: "49.000000", confirmations: 3 },
      "progress",
      "Payment received, confirming (3 of 40 confirmations)",
      "The network is confirming",
    ],
    [
      { status: "pending", amount_received: "20.500000", confirmations: 1 },
      "attention",
      "Partial payment: 28.5 USDC still due",
      "Received 20.5 USDC of 49 USDC.",
    ],
    [
      { status: "confirmed", amount_received: "49.000000" },
      "success",
      "Payment confirmed",
      "you can close this page",
    ],
    [
      { status: "confirmed", amount_received: "50.250000", overpaid_amount: "1.250000" },
      "success",
      "Payment confirmed",
      "You sent 1.25 USDC more than due",
    ],
    [{ status: "canceled" }, "closed", "Payment canceled", "Do not send funds"],
  ] as const)("%o: %s %s", (intent, tone, headline, detail) => {
    const message = messageFor(intent);
    expect(message).toMatchObject({ tone, headline });
    expect(message.detail).toContain(detail);
  });

  it("tells an underpaid payer the amount still due while a top-up still counts", () => {
    const open = messageFor({ status: "underpaid", amount_received: "40.000000" }, afterExpiry);
    expect(open.headline).toBe("Underpaid: 9 USDC still due");
    expect(open.detail).toContain("Send the remaining 9 USDC to the same address");
    const closed = messageFor(
      { status: "underpaid", amount_received: "40.000000" },
      new Date("2026-12-03T00:00:00.000Z"),
    );
    expect(closed.detail).toContain("contact the merchant");
  });

  it("says a late payment is still detected only during the monitoring window", () => {
    expect(messageFor({ status: "expired" }, afterExpiry).detail).toContain("still detected");
    expect(messageFor({ status: "expired" }, new Date("2026-12-03T00:00:00.000Z")).detail).not.toContain(
      "still detected",
    );
  });

  it("never shows more confirmations than required", () => {
    const message = messageFor({ status: "pending", amount_received: "49.000000", confirmations: 45 });
    expect(message.headline).toContain("40 of 40");
  });
});
