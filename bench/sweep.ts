import { deployTestToken, startAnvil, type TestAnvil } from "@paygate/testkit/helpers";
import { type Address, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  buildPlan,
  DEPLOYMENT_PROXY,
  type PlanAsset,
  readDeposits,
  type SweepMethod,
  sendBundle,
  sweeperAddress,
  sweeperDeployData,
} from "../packages/sweep/src/index.ts";
import { DEFAULT_SPONSOR_PATH, merchantKeys, signBundle } from "../packages/sweep/src/sign/index.ts";
import { type BenchmarkResult, ratioOf } from "./support/report.ts";

/**
 * Gas per swept address on Anvil, EIP-7702 batch against top-up, in the same run: each case sweeps its own
 * deposit addresses (from the BIP39 test mnemonic) to its own treasury, through the real plan -> sign -> send
 * path. The Sweeper deployment is a one-time cost per treasury and chain, reported apart.
 */
const ADDRESSES = Number(process.env.BENCH_SWEEP_ADDRESSES ?? 50);
const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

interface Case {
  method: SweepMethod;
  asset: "ETH" | "TUSD";
}

async function sweepCase(anvil: TestAnvil, assets: PlanAsset[], c: Case, offset: number) {
  const keys = merchantKeys(MNEMONIC);
  const sponsor = keys.accountAt(DEFAULT_SPONSOR_PATH);
  const treasury = privateKeyToAccount(generatePrivateKey()).address;
  const token = assets.find((asset) => asset.symbol === "TUSD")!.contract as Address;
  const indexes = Array.from({ length: ADDRESSES }, (_, i) => offset + i);
  const deposits = indexes.map((index) => ({ address: keys.depositAccount(index).address, index }));
  for (const { address } of deposits) {
    if (c.asset === "ETH") await anvil.testClient.setBalance({ address, value: parseEther("0.05") });
    else {
      const hash = await anvil.walletClient.writeContract({
        address: token,
        abi: [
          {
            type: "function",
            name: "mint",
            inputs: [{ type: "address" }, { type: "uint256" }],
            outputs: [],
            stateMutability: "nonpayable",
          },
        ],
        functionName: "mint",
        args: [address, 25_000_000n],
      });
      await anvil.publicClient.waitForTransactionReceipt({ hash });
    }
  }
  let deployGas: bigint | undefined;
  if (c.method === "eip7702") {
    const hash = await anvil.walletClient.sendTransaction({
      to: DEPLOYMENT_PROXY,
      data: sweeperDeployData(treasury),
    });
    deployGas = (await anvil.publicClient.waitForTransactionReceipt({ hash })).gasUsed;
  }
  const block = await anvil.publicClient.getBlockNumber({ cacheTime: 0 });
  const fees = await anvil.publicClient.estimateFeesPerGas();
  const plan = buildPlan({
    createdAt: new Date(),
    merchantId: "bench",
    chain: { id: "anvil", chainId: anvil.chainId, requiredConfirmations: 1 },
    blockNumber: block,
    accountXpub: keys.accountXpub,
    method: c.method,
    treasury,
    sponsor: {
      address: sponsor.address,
      nonce: await anvil.publicClient.getTransactionCount({ address: sponsor.address }),
      balance: await anvil.publicClient.getBalance({ address: sponsor.address }),
    },
    sweeper:
      c.method === "eip7702"
        ? { address: sweeperAddress(treasury), deployed: true, deploymentProxyPresent: true }
        : null,
    assets,
    fees: { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas },
    deposits: await readDeposits(anvil.publicClient, block, deposits, assets),
    skipped: [],
  });
  if (plan.addresses.length !== ADDRESSES)
    throw new Error(`planned ${plan.addresses.length} of ${ADDRESSES} addresses`);
  const result = await sendBundle(anvil.publicClient, await signBundle(plan, { keys, sponsor }), {
    confirmations: 1,
  });
  if (result.balances.some((row) => row.asset !== "ETH" && row.after !== 0n))
    throw new Error("a token balance was left");
  const gas = result.transactions.reduce((sum, tx) => sum + (tx.gasUsed ?? 0n), 0n);
  return {
    perAddress: Number(gas) / ADDRESSES,
    transactions: result.transactions.length,
    topups: result.transactions.filter((tx) => tx.kind === "topup").length,
    deployGas,
  };
}

export async function benchSweep(): Promise<BenchmarkResult> {
  const anvil = await startAnvil();
  try {
    const token = await deployTestToken(anvil);
    const assets: PlanAsset[] = [
      { symbol: "ETH", type: "native", decimals: 18, contract: null },
      { symbol: "TUSD", type: "erc20", decimals: 6, contract: token.address },
    ];
    const keys = merchantKeys(MNEMONIC);
    await anvil.testClient.setBalance({
      address: keys.accountAt(DEFAULT_SPONSOR_PATH).address,
      value: parseEther("1000"),
    });
    const batchToken = await sweepCase(anvil, assets, { method: "eip7702", asset: "TUSD" }, 0);
    const topupToken = await sweepCase(anvil, assets, { method: "topup", asset: "TUSD" }, ADDRESSES);
    const batchNative = await sweepCase(anvil, assets, { method: "eip7702", asset: "ETH" }, 2 * ADDRESSES);
    const topupNative = await sweepCase(anvil, assets, { method: "topup", asset: "ETH" }, 3 * ADDRESSES);
    const tokenRatio = ratioOf(batchToken.perAddress, topupToken.perAddress);
    return {
      name: "sweep",
      rows: [
        { metric: "ERC-20, top-up: gas per address", value: Math.round(topupToken.perAddress), unit: "gas" },
        {
          metric: "ERC-20, EIP-7702 batch: gas per address",
          value: Math.round(batchToken.perAddress),
          unit: "gas",
          baseline: Math.round(topupToken.perAddress),
          ratio: tokenRatio,
          target: "<= 60% of top-up",
          pass: tokenRatio !== undefined && tokenRatio <= 0.6 && batchToken.topups === 0,
        },
        {
          metric: "native, top-up (plain transfer): gas per address",
          value: Math.round(topupNative.perAddress),
          unit: "gas",
        },
        {
          metric: "native, EIP-7702 batch: gas per address",
          value: Math.round(batchNative.perAddress),
          unit: "gas",
          baseline: Math.round(topupNative.perAddress),
          ratio: ratioOf(batchNative.perAddress, topupNative.perAddress),
        },
        {
          metric: "Sweeper deployment (once per treasury and chain)",
          value: Number(batchToken.deployGas ?? 0n),
          unit: "gas",
        },
      ],
      notes: [
        `${ADDRESSES} addresses per case; first sweep of each address (its EIP-7702 authorization included)`,
        `transactions: ERC-20 batch ${batchToken.transactions} (top-ups ${batchToken.topups}), ERC-20 top-up ${topupToken.transactions} (top-ups ${topupToken.topups}), native batch ${batchNative.transactions}, native top-up ${topupNative.transactions}`,
      ],
    };
  } finally {
    await anvil.stop();
  }
}
