import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import type { PlanAsset } from "../format/plan-format.ts";
import { batches, buildPlan, type DepositReading, type PlanInput } from "./build-plan.ts";
import {
  AUTHORIZATION_GAS,
  batchShareGas,
  MAX_BATCH,
  NATIVE_TRANSFER_GAS,
  TOKEN_TRANSFER_GAS,
} from "./gas.ts";

const GWEI = 10n ** 9n;
const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const assets: PlanAsset[] = [
  { symbol: "ETH", type: "native", decimals: 18, contract: null },
  { symbol: "USDC", type: "erc20", decimals: 6, contract: address(0xc0) },
];
const sweeper = address(0x5e);

function input(deposits: DepositReading[], overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    createdAt: new Date("2026-12-01T00:00:00Z"),
    merchantId: "mer_1",
    chain: { id: "base", chainId: 8453, requiredConfirmations: 40 },
    blockNumber: 100n,
    accountXpub: "xpub-test",
    method: "eip7702",
    treasury: address(0x7e),
    sponsor: { address: address(0x50), nonce: 3, balance: 10n ** 18n },
    sweeper: { address: sweeper, deployed: true, deploymentProxyPresent: true },
    assets,
    fees: { maxFeePerGas: 1n * GWEI, maxPriorityFeePerGas: GWEI / 10n },
    deposits,
    skipped: [],
    ...overrides,
  };
}

const deposit = (
  n: number,
  balances: Record<string, bigint>,
  delegatedTo: Address | null = null,
): DepositReading => ({
  address: address(n),
  index: n,
  nonce: 0,
  delegatedTo,
  balances,
});

describe("buildPlan", () => {
  it.each([
    // [what, balances, planned?]
    ["a token balance, no native coin", { USDC: 1n }, true],
    ["native coin above its gas share", { ETH: 10n ** 16n }, true],
    ["native dust below its gas share", { ETH: 1000n }, false],
    ["nothing at all", {}, false],
  ] as const)("%s: planned %s", (_what, balances, planned) => {
    const plan = buildPlan(input([deposit(1, balances)]));
    expect(plan.addresses.length).toBe(planned ? 1 : 0);
  });

  it("lists dust as skipped with its reason, and empty addresses not at all", () => {
    const plan = buildPlan(input([deposit(1, { ETH: 1000n }), deposit(2, {})]));
    expect(plan.skipped).toEqual([
      { address: address(1), index: 1, reason: expect.stringContaining("share of the gas") },
    ]);
  });

  it("skips addresses worth less than --min at the given rates, exactly", () => {
    const rates = { ETH: "3000", USDC: "1" };
    const plan = buildPlan(
      input([deposit(1, { USDC: 4_999_999n }), deposit(2, { USDC: 5_000_000n })], {
        min: { amount: "5", rates },
      }),
    );
    expect(plan.addresses.map((entry) => entry.index)).toEqual([2]);
    expect(plan.skipped[0]).toMatchObject({ index: 1, reason: "worth less than --min 5" });
  });

  it("charges an authorization only for addresses not yet delegated to the Sweeper", () => {
    const fresh = buildPlan(input([deposit(1, { USDC: 1n })]));
    const delegated = buildPlan(input([deposit(1, { USDC: 1n }, sweeper)]));
    expect(BigInt(fresh.estimate.gas) - BigInt(delegated.estimate.gas)).toBe(AUTHORIZATION_GAS);
  });

  it("deploys the Sweeper first when it is missing, then batches of at most 100", () => {
    const deposits = Array.from({ length: 150 }, (_, i) => deposit(i + 1, { USDC: 1n }));
    const plan = buildPlan(
      input(deposits, { sweeper: { address: sweeper, deployed: false, deploymentProxyPresent: true } }),
    );
    expect(plan.transactions.map((tx) => [tx.kind, "addresses" in tx ? tx.addresses.length : 0])).toEqual([
      ["deploy_sweeper", 0],
      ["sweep_batch", 75],
      ["sweep_batch", 75],
    ]);
  });

  it("says when the sponsor cannot pay", () => {
    const plan = buildPlan(
      input([deposit(1, { USDC: 1n })], { sponsor: { address: address(0x50), nonce: 0, balance: 1n } }),
    );
    expect(plan.estimate.sponsor_can_pay).toBe(false);
  });

  it("top-up: funds exactly the token transfers' gas at the fee cap; native pays its own transfer", () => {
    const plan = buildPlan(
      input([deposit(1, { USDC: 7n, ETH: 10n ** 16n })], { method: "topup", sweeper: null }),
    );
    expect(plan.transactions).toEqual([
      {
        kind: "topup",
        from: address(0x50),
        to: address(1),
        value: String(TOKEN_TRANSFER_GAS * GWEI),
        gas: "21000",
      },
      {
        kind: "transfer",
        from: address(1),
        asset: "USDC",
        to: address(0x7e),
        amount: "7",
        gas: String(TOKEN_TRANSFER_GAS),
      },
      {
        kind: "transfer",
        from: address(1),
        asset: "ETH",
        to: address(0x7e),
        amount: String(10n ** 16n - NATIVE_TRANSFER_GAS * GWEI),
        gas: "21000",
      },
    ]);
  });
});

describe("batches", () => {
  it.each([
    [0, []],
    [1, [1]],
    [100, [100]],
    [101, [51, 50]],
    [150, [75, 75]],
    [201, [67, 67, 67]],
  ])("%i addresses -> %j", (count, sizes) => {
    const result = batches(Array.from({ length: count }, (_, i) => i));
    expect(result.map((batch) => batch.length)).toEqual(sizes);
    expect(result.every((batch) => batch.length <= MAX_BATCH)).toBe(true);
  });

  it("a share grows with what the address holds", () => {
    expect(batchShareGas({ authorize: true, tokens: 2, native: true })).toBeGreaterThan(
      batchShareGas({ authorize: true, tokens: 1, native: false }),
    );
  });
});
