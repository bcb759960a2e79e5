import { describe, expect, it } from "vitest";
import { expectedEventSets, type IntentFacts, type PaymentFacts } from "./expected-events.ts";

const due = 1000n;
const paid = (id: string, amount: bigint, options: Partial<PaymentFacts> = {}): PaymentFacts => ({
  id,
  amount,
  firstMined: "on-time",
  finalLate: false,
  drops: [],
  ...options,
});
const late = { firstMined: "late", finalLate: true } as const;
const sets = (intent: Partial<IntentFacts>) =>
  expectedEventSets({ amountDue: due, expired: false, payments: [], ...intent });
const sorted = (...events: string[]) => [...events].sort();

describe("expected events, one history (no reorg)", () => {
  it.each<[string, Partial<IntentFacts>, string[]]>([
    ["nothing paid, not expired", {}, []],
    ["nothing paid, expired", { expired: true }, ["payment.expired"]],
    ["paid in full", { payments: [paid("a", due)] }, ["payment.pending@a", "payment.confirmed"]],
    [
      "paid in two halves",
      { payments: [paid("a", 500n), paid("b", 500n)] },
      ["payment.pending@a", "payment.pending@b", "payment.confirmed"],
    ],
    [
      "paid half, then expired",
      { expired: true, payments: [paid("a", 500n)] },
      ["payment.pending@a", "payment.underpaid"],
    ],
    [
      "paid half after expiry",
      { expired: true, payments: [paid("a", 500n, late)] },
      ["payment.expired", "payment.pending@a", "payment.underpaid"],
    ],
    [
      "paid 150%",
      { payments: [paid("a", 1500n)] },
      ["payment.pending@a", "payment.confirmed", "payment.overpaid"],
    ],
    [
      "paid in full after expiry",
      { expired: true, payments: [paid("a", due, late)] },
      ["payment.expired", "payment.pending@a", "payment.confirmed"],
    ],
    [
      "half on time, top-up after expiry",
      { expired: true, payments: [paid("a", 500n), paid("b", 500n, late)] },
      ["payment.pending@a", "payment.underpaid", "payment.pending@b", "payment.confirmed"],
    ],
  ])("%s", (_name, intent, expected) => {
    expect(sets(intent)).toEqual([sorted(...expected)]);
  });
});

it("a second payment beyond the amount due: pending only if seen before the first confirmed", () => {
  // the soak never pays so (its split halves sum to the amount due); the chain alone cannot order them
  const found = sets({ payments: [paid("a", due), paid("b", 200n)] });
  expect(found).toHaveLength(2);
  expect(found).toEqual(
    expect.arrayContaining([
      sorted("payment.pending@a", "payment.pending@b", "payment.confirmed", "payment.overpaid"),
      sorted("payment.pending@a", "payment.confirmed", "payment.overpaid"),
    ]),
  );
});

describe("expected events after reorgs: every history the drops allow, each exact", () => {
  it("a payment dropped once: unseen drop, or reverted and seen again (confirmed or not before)", () => {
    expect(sets({ payments: [paid("a", due, { drops: [{ afterExpiry: false }] })] })).toEqual(
      expect.arrayContaining([
        sorted("payment.pending@a", "payment.confirmed"),
        sorted("payment.pending@a", "payment.reverted@a", "payment.pending@a", "payment.confirmed"),
        // confirmed before the reorg: the intent stays confirmed, the payment seen again is no news
        sorted("payment.pending@a", "payment.confirmed", "payment.reverted@a"),
      ]),
    );
    expect(sets({ payments: [paid("a", due, { drops: [{ afterExpiry: false }] })] })).toHaveLength(3);
  });

  it("an overpayment reverted after confirmation and mined again is reported overpaid again", () => {
    const drops = [{ afterExpiry: false }];
    expect(sets({ payments: [paid("a", 1500n, { drops })] })).toContainEqual(
      sorted(
        "payment.pending@a",
        "payment.confirmed",
        "payment.overpaid",
        "payment.reverted@a",
        "payment.overpaid",
      ),
    );
  });

  it("a partial payment reverted after expiry makes the intent expired, then underpaid again", () => {
    const drops = [{ afterExpiry: true }];
    // dropped after expiry, so mined again after it: its final block is late, its first on time
    const found = sets({ expired: true, payments: [paid("a", 500n, { drops, finalLate: true })] });
    expect(found).toContainEqual(
      sorted(
        "payment.pending@a",
        "payment.underpaid",
        "payment.reverted@a",
        "payment.expired",
        "payment.pending@a",
        "payment.underpaid",
      ),
    );
    // the drop came after expiry: a revert before it (pending, reverted, pending, underpaid) is not allowed
    expect(found).not.toContainEqual(
      sorted("payment.pending@a", "payment.reverted@a", "payment.pending@a", "payment.underpaid"),
    );
  });

  it("never more reverts than drops, nor a pending without its sighting", () => {
    const found = sets({ payments: [paid("a", due, { drops: [{ afterExpiry: false }] })] });
    for (const set of found) {
      expect(set.filter((event) => event === "payment.reverted@a").length).toBeLessThanOrEqual(1);
      expect(set.filter((event) => event === "payment.confirmed")).toHaveLength(1);
    }
  });

  it("an intent with no drop is never given a reverted event", () => {
    const found = sets({ payments: [paid("a", 500n), paid("b", 500n, { drops: [{ afterExpiry: false }] })] });
    for (const set of found) expect(set).not.toContain("payment.reverted@a");
  });
});
