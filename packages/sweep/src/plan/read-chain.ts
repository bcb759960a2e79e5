import { type Address, type PublicClient, parseAbi } from "viem";
import type { PlanAsset } from "../format/plan-format.ts";
import { delegateOf } from "../sweeper/sweeper.ts";
import type { DepositReading } from "./build-plan.ts";

const erc20 = parseAbi(["function balanceOf(address owner) view returns (uint256)"]);

/** Balances, nonce and delegation of each address, all read at one block so the plan is one consistent view. */
export async function readDeposits(
  client: PublicClient,
  blockNumber: bigint,
  deposits: readonly { address: Address; index: number }[],
  assets: readonly PlanAsset[],
): Promise<DepositReading[]> {
  return Promise.all(
    deposits.map(async ({ address, index }) => {
      const [nonce, code, ...balances] = await Promise.all([
        client.getTransactionCount({ address, blockNumber }),
        client.getCode({ address, blockNumber }),
        ...assets.map((asset) =>
          asset.type === "native"
            ? client.getBalance({ address, blockNumber })
            : client.readContract({
                address: asset.contract as Address,
                abi: erc20,
                functionName: "balanceOf",
                args: [address],
                blockNumber,
              }),
        ),
      ]);
      return {
        address,
        index,
        nonce,
        delegatedTo: delegateOf(code),
        balances: Object.fromEntries(assets.map((asset, i) => [asset.symbol, balances[i] as bigint])),
      };
    }),
  );
}

export async function hasCode(client: PublicClient, address: Address, blockNumber: bigint): Promise<boolean> {
  const code = await client.getCode({ address, blockNumber });
  return code !== undefined && code !== "0x";
}
