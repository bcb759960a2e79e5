import { describe, expect, it } from "vitest";
import type { IntentFacts } from "./expected-events.ts";
import type { ReceivedWebhook } from "./flaky-receiver.ts";
import { checkIntentEvents } from "./oracle.ts";

/** An intent paid 150% in one transfer: pending, confirmed, overpaid. */
const over: IntentFacts = {
  amountDue: 1000n,
  expired: false,
  payments: [{ id: "0xaa", amount: 1500n, firstMined: "on-time", finalLate: false, drops: [] }],
};
const intents = [{ id: "pi_over", label: "pi_over (over ETH)", facts: over }];

let at = 0;
function delivered(eventId: string, type: string, sequence: number, answer = 200): ReceivedWebhook {
  return {
    at: at++,
    eventId,
    type,
    intentId: "pi_over",
    sequence,
    payment: type === "payment.pending" ? "0xaa" : undefined,
    valid: true,
    answer,
  };
}
const complete = [
  delivered("evt_1", "payment.pending", 1),
  delivered("evt_2", "payment.confirmed", 2, 500),
  delivered("evt_2", "payment.confirmed", 2),
  delivered("evt_3", "payment.overpaid", 3),
  delivered("evt_3", "payment.overpaid", 3),
];

describe("the event oracle on hand-made logs", () => {
  it("passes a complete log, retries and duplicates included", () => {
    expect(checkIntentEvents(intents, complete)).toEqual({ violations: [], matched: 1 });
  });

  it("names the intent when an expected event is missing", () => {
    const log = complete.filter((entry) => entry.type !== "payment.confirmed");
    const { violations, matched } = checkIntentEvents(intents, log);
    expect(matched).toBe(0);
    expect(violations).toContainEqual(
      expect.stringMatching(/^pi_over \(over ETH\): sequence 1,3, not 1\.\.2/),
    );
    expect(violations).toContainEqual(
      expect.stringMatching(
        /^pi_over \(over ETH\): expected \[.*payment\.confirmed.*\], got \[payment\.overpaid, payment\.pending@0xaa\]/,
      ),
    );
  });

  it("names the intent when an event of an unexpected type arrives", () => {
    const { violations } = checkIntentEvents(intents, [
      ...complete,
      delivered("evt_4", "payment.expired", 4),
    ]);
    expect(violations).toEqual([
      expect.stringMatching(/^pi_over \(over ETH\): expected .* got \[.*payment\.expired.*\]/),
    ]);
  });

  it("names the intent when its sequence has a gap", () => {
    const log = complete.map((entry) => (entry.eventId === "evt_3" ? { ...entry, sequence: 4 } : entry));
    expect(checkIntentEvents(intents, log).violations).toEqual([
      "pi_over (over ETH): sequence 1,2,4, not 1..3",
    ]);
  });

  it("names the intent when one cause arrives under two event ids", () => {
    const { violations } = checkIntentEvents(intents, [
      ...complete,
      delivered("evt_2b", "payment.confirmed", 2),
    ]);
    expect(violations).toContainEqual(
      "pi_over (over ETH): two event ids for one cause (sequence 2): evt_2, evt_2b",
    );
    expect(violations).toContainEqual(expect.stringMatching(/got \[payment\.confirmed, payment\.confirmed,/));
  });

  it("names the intent when an event was only ever refused by the receiver", () => {
    const log = complete.filter((entry) => !(entry.eventId === "evt_2" && entry.answer === 200));
    expect(checkIntentEvents(intents, log).violations).toEqual([
      "pi_over (over ETH): never accepted: payment.confirmed evt_2",
    ]);
  });

  it("ignores requests whose signature did not verify", () => {
    const forged = { ...delivered("evt_9", "payment.expired", 4), valid: false };
    expect(checkIntentEvents(intents, [...complete, forged])).toEqual({ violations: [], matched: 1 });
  });
});
