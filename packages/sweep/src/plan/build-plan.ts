import type { Address } from "viem";
import {
  PLAN_FORMAT,
  type PlanAddress,
  type PlanAsset,
  type PlanTransaction,
  type SweepMethod,
  type SweepPlan,
} from "../format/plan-format.ts";
import { derivationPath } from "./derivation-path.ts";
import { fiatMicros, minMicros } from "./fiat-value.ts";
import {
  batchShareGas,
  DEPLOY_SWEEPER_GAS,
  MAX_BATCH,
  NATIVE_TRANSFER_GAS,
  TOKEN_TRANSFER_GAS,
  TX_BASE_GAS,
} from "./gas.ts";

/** One deposit address as read on chain at the plan's block. */
export interface DepositReading {
  address: Address;
  index: number;
  nonce: number;
  delegatedTo: Address | null;
  /** Per asset symbol; zero balances may be present or absent. */
  balances: Record<string, bigint>;
}

export interface PlanInput {
  createdAt: Date;
  merchantId: string;
  chain: { id: string; chainId: number; requiredConfirmations: number };
  blockNumber: bigint;
  accountXpub: string;
  method: SweepMethod;
  treasury: Address;
  sponsor: { address: Address; nonce: number; balance: bigint };
  sweeper: { address: Address; deployed: boolean; deploymentProxyPresent: boolean } | null;
  assets: PlanAsset[];
  fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
  deposits: DepositReading[];
  /** Addresses left out before reading (open intents), with the reason. */
  skipped: { address: Address; index: number; reason: string }[];
  /** Skip addresses worth less than `amount` (fiat) at `rates` (fiat per whole unit, by asset symbol). */
  min?: { amount: string; rates: Record<string, string> };
}

/** Decides what to sweep and how, from what was read: no I/O, so every rule is tested with tables. */
export function buildPlan(input: PlanInput): SweepPlan {
  const maxFee = input.fees.maxFeePerGas;
  const native = input.assets.find((asset) => asset.type === "native");
  const planned: PlanAddress[] = [];
  const skipped = [...input.skipped];
  const shares = new Map<Address, bigint>();

  for (const deposit of input.deposits) {
    const held = input.assets.filter((asset) => (deposit.balances[asset.symbol] ?? 0n) > 0n);
    if (held.length === 0) continue;
    const skip = (reason: string) => skipped.push({ address: deposit.address, index: deposit.index, reason });
    if (input.min && belowMin(deposit, held, input.min)) {
      skip(`worth less than --min ${input.min.amount}`);
      continue;
    }
    const tokens = held.filter((asset) => asset.type === "erc20").length;
    const nativeBalance = native ? (deposit.balances[native.symbol] ?? 0n) : 0n;
    const share =
      input.method === "eip7702"
        ? batchShareGas({
            authorize: deposit.delegatedTo !== input.sweeper?.address,
            tokens,
            native: nativeBalance > 0n,
          })
        : NATIVE_TRANSFER_GAS;
    if (tokens === 0 && nativeBalance <= share * maxFee) {
      skip(`holds only ${nativeBalance} base units of native coin, less than its share of the gas`);
      continue;
    }
    shares.set(deposit.address, share);
    planned.push({
      address: deposit.address,
      index: deposit.index,
      path: derivationPath(deposit.index),
      nonce: deposit.nonce,
      delegated_to: deposit.delegatedTo,
      balances: Object.fromEntries(
        held.map((asset) => [asset.symbol, String(deposit.balances[asset.symbol])]),
      ),
    });
  }

  const transactions =
    input.method === "eip7702"
      ? eip7702Transactions(input, planned, shares)
      : topupTransactions(input, planned, native);
  const gas = transactions.reduce((sum, tx) => sum + BigInt(tx.gas), 0n);
  const sponsorCost = transactions
    .filter((tx) => tx.from === input.sponsor.address)
    .reduce((sum, tx) => sum + BigInt(tx.gas) * maxFee + (tx.kind === "topup" ? BigInt(tx.value) : 0n), 0n);

  return {
    format: PLAN_FORMAT,
    created_at: input.createdAt.toISOString(),
    merchant_id: input.merchantId,
    chain: {
      id: input.chain.id,
      chain_id: input.chain.chainId,
      required_confirmations: input.chain.requiredConfirmations,
    },
    block_number: String(input.blockNumber),
    account_xpub: input.accountXpub,
    method: input.method,
    treasury: input.treasury,
    sponsor: {
      address: input.sponsor.address,
      nonce: input.sponsor.nonce,
      balance: String(input.sponsor.balance),
    },
    sweeper: input.sweeper && {
      address: input.sweeper.address,
      deployed: input.sweeper.deployed,
      deployment_proxy_present: input.sweeper.deploymentProxyPresent,
    },
    assets: input.assets,
    fees: {
      max_fee_per_gas: String(maxFee),
      max_priority_fee_per_gas: String(input.fees.maxPriorityFeePerGas),
    },
    addresses: planned,
    skipped,
    transactions,
    estimate: {
      gas: String(gas),
      max_fee: String(gas * maxFee),
      sponsor_can_pay: input.sponsor.balance >= sponsorCost,
    },
  };
}

function belowMin(deposit: DepositReading, held: PlanAsset[], min: NonNullable<PlanInput["min"]>): boolean {
  let value = 0n;
  for (const asset of held) {
    const rate = min.rates[asset.symbol];
    if (rate === undefined) return false; // no price: never skipped for being cheap
    value += fiatMicros(deposit.balances[asset.symbol] ?? 0n, asset.decimals, rate);
  }
  return value < minMicros(min.amount);
}

/** Consecutive batches of nearly equal size, none above MAX_BATCH. */
export function batches<T>(items: readonly T[]): T[][] {
  if (items.length === 0) return [];
  const count = Math.ceil(items.length / MAX_BATCH);
  const size = Math.ceil(items.length / count);
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

function eip7702Transactions(
  input: PlanInput,
  planned: PlanAddress[],
  shares: Map<Address, bigint>,
): PlanTransaction[] {
  if (!input.sweeper) throw new TypeError("the eip7702 method needs a Sweeper");
  if (planned.length === 0) return [];
  const from = input.sponsor.address;
  const transactions: PlanTransaction[] = [];
  if (!input.sweeper.deployed)
    transactions.push({ kind: "deploy_sweeper", from, gas: String(DEPLOY_SWEEPER_GAS) });
  for (const batch of batches(planned)) {
    const gas = batch.reduce((sum, entry) => sum + (shares.get(entry.address as Address) ?? 0n), TX_BASE_GAS);
    transactions.push({
      kind: "sweep_batch",
      from,
      addresses: batch.map((entry) => entry.address),
      gas: String(gas),
    });
  }
  return transactions;
}

function topupTransactions(
  input: PlanInput,
  planned: PlanAddress[],
  native: PlanAsset | undefined,
): PlanTransaction[] {
  const maxFee = input.fees.maxFeePerGas;
  const topups: PlanTransaction[] = [];
  const transfers: PlanTransaction[] = [];
  for (const entry of planned) {
    const tokens = input.assets.filter((asset) => asset.type === "erc20" && entry.balances[asset.symbol]);
    for (const token of tokens) {
      transfers.push({
        kind: "transfer",
        from: entry.address,
        asset: token.symbol,
        to: input.treasury,
        amount: entry.balances[token.symbol]!,
        gas: String(TOKEN_TRANSFER_GAS),
      });
    }
    // exactly the gas of the token transfers at the fee cap: the native balance pays for its own transfer
    if (tokens.length > 0) {
      topups.push({
        kind: "topup",
        from: input.sponsor.address,
        to: entry.address,
        value: String(BigInt(tokens.length) * TOKEN_TRANSFER_GAS * maxFee),
        gas: String(NATIVE_TRANSFER_GAS),
      });
    }
    const nativeBalance = native ? BigInt(entry.balances[native.symbol] ?? "0") : 0n;
    const nativeFee = NATIVE_TRANSFER_GAS * maxFee;
    if (native && nativeBalance > nativeFee) {
      transfers.push({
        kind: "transfer",
        from: entry.address,
        asset: native.symbol,
        to: input.treasury,
        amount: String(nativeBalance - nativeFee),
        gas: String(NATIVE_TRANSFER_GAS),
      });
    }
  }
  return [...topups, ...transfers];
}
