import { type Chain, type Db, findAsset } from "@paygate/shared";
import type { Address, PublicClient } from "viem";
import { SweepError } from "../errors.ts";
import type { PlanAsset, SweepMethod, SweepPlan } from "../format/plan-format.ts";
import { DEPLOYMENT_PROXY, sweeperAddress } from "../sweeper/sweeper.ts";
import { buildPlan } from "./build-plan.ts";
import { depositAddresses } from "./deposit-addresses.ts";
import { hasCode, readDeposits } from "./read-chain.ts";

export interface CreatePlanOptions {
  merchantId: string;
  chain: Chain;
  treasury: Address;
  sponsor: Address;
  /** Asset symbols to sweep (default: every configured asset of the chain). */
  assets?: string[];
  method?: SweepMethod;
  includeOpen?: boolean;
  min?: { amount: string; rates: Record<string, string> };
  now?: Date;
}

/** `paygate sweep plan`: reads the database and the chain (at one block), then decides with `buildPlan`. */
export async function createPlan(
  db: Db,
  client: PublicClient,
  options: CreatePlanOptions,
): Promise<SweepPlan> {
  const { chain } = options;
  if (chain.family !== "evm" || chain.chainId === undefined) {
    throw new SweepError(
      "plan_invalid",
      `chain ${chain.id} is not an EVM chain; Bitcoin wallets spend their own coins`,
    );
  }
  const rpcChainId = await client.getChainId();
  if (rpcChainId !== chain.chainId) {
    throw new SweepError(
      "chain_id_mismatch",
      `the RPC endpoint serves chain id ${rpcChainId}, not ${chain.id}'s ${chain.chainId}`,
    );
  }
  const now = options.now ?? new Date();
  const found = await depositAddresses(db, { merchantId: options.merchantId, chain: chain.id, now });
  if (!found) throw new SweepError("plan_invalid", `merchant ${options.merchantId} has no EVM wallet`);
  const assets: PlanAsset[] = (options.assets ?? chain.assets.map((asset) => asset.symbol)).map((symbol) => {
    const asset = findAsset(chain, symbol);
    if (!asset) throw new SweepError("plan_invalid", `asset ${symbol} is not configured on ${chain.id}`);
    return { symbol, type: asset.type, decimals: asset.decimals, contract: asset.contract ?? null };
  });
  const method = options.method ?? (chain.eip7702 ? "eip7702" : "topup");
  const blockNumber = await client.getBlockNumber({ cacheTime: 0 });
  const planned = found.addresses.filter((entry) => options.includeOpen || entry.open === null);
  const skipped = options.includeOpen
    ? []
    : found.addresses.flatMap((entry) =>
        entry.open ? [{ address: entry.address, index: entry.index, reason: entry.open }] : [],
      );
  const sweeper = method === "eip7702" ? sweeperAddress(options.treasury) : null;
  const [deposits, sponsorNonce, sponsorBalance, fees, sweeperDeployed, proxyPresent] = await Promise.all([
    readDeposits(client, blockNumber, planned, assets),
    client.getTransactionCount({ address: options.sponsor, blockNumber }),
    client.getBalance({ address: options.sponsor, blockNumber }),
    client.estimateFeesPerGas(),
    sweeper ? hasCode(client, sweeper, blockNumber) : Promise.resolve(false),
    hasCode(client, DEPLOYMENT_PROXY, blockNumber),
  ]);
  return buildPlan({
    createdAt: now,
    merchantId: options.merchantId,
    chain: { id: chain.id, chainId: chain.chainId, requiredConfirmations: chain.requiredConfirmations },
    blockNumber,
    accountXpub: found.xpub,
    method,
    treasury: options.treasury,
    sponsor: { address: options.sponsor, nonce: sponsorNonce, balance: sponsorBalance },
    sweeper: sweeper && { address: sweeper, deployed: sweeperDeployed, deploymentProxyPresent: proxyPresent },
    assets,
    fees: { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas },
    deposits,
    skipped,
    min: options.min,
  });
}
