import {
  type Address,
  encodeFunctionData,
  getAddress,
  keccak256,
  type LocalAccount,
  parseAbi,
  type SignedAuthorization,
} from "viem";
import { SweepError } from "../errors.ts";
import { BUNDLE_FORMAT, type SignedTransaction, type SweepBundle } from "../format/bundle-format.ts";
import type { PlanAddress, SweepPlan } from "../format/plan-format.ts";
import { derivationPath } from "../plan/derivation-path.ts";
import { DEPLOYMENT_PROXY, sweeperAddress, sweeperDeployData, sweepManyData } from "../sweeper/sweeper.ts";
import { DEFAULT_SPONSOR_PATH, type MerchantKeys, sameAccountKey, sameAddress } from "./keys.ts";

const erc20 = parseAbi(["function transfer(address to, uint256 amount)"]);

export interface SignOptions {
  keys: MerchantKeys;
  /** The sponsor: a key file's account, else the mnemonic's account at `sponsorPath`. */
  sponsor?: LocalAccount;
  sponsorPath?: string;
}

/**
 * Checks the plan against the merchant's own keys, then signs it. Pure: no file, no network. Any mismatch
 * refuses the whole plan: a plan is written by a server the signer does not have to trust.
 */
export async function signBundle(plan: SweepPlan, options: SignOptions): Promise<SweepBundle> {
  const { keys } = options;
  if (!sameAccountKey(keys.accountXpub, plan.account_xpub)) {
    throw new SweepError("xpub_mismatch", "the mnemonic's account key (m/44'/60'/0') is not the plan's xpub");
  }
  const accounts = new Map<string, { entry: PlanAddress; account: LocalAccount }>();
  for (const entry of plan.addresses) {
    const account = keys.depositAccount(entry.index);
    if (!sameAddress(account.address, entry.address) || entry.path !== derivationPath(entry.index)) {
      throw new SweepError(
        "address_mismatch",
        `plan address ${entry.address} is not the mnemonic's address at ${derivationPath(entry.index)}`,
      );
    }
    accounts.set(getAddress(entry.address), { entry, account });
  }
  const sponsor = options.sponsor ?? keys.accountAt(options.sponsorPath ?? DEFAULT_SPONSOR_PATH);
  if (!sameAddress(sponsor.address, plan.sponsor.address)) {
    throw new SweepError(
      "sponsor_mismatch",
      `the sponsor key's address ${sponsor.address} is not the plan's sponsor`,
    );
  }
  // The plan names the Sweeper; delegation to any other code could hand the addresses to someone else.
  const sweeper = sweeperAddress(getAddress(plan.treasury));
  if (plan.method === "eip7702" && (!plan.sweeper || !sameAddress(plan.sweeper.address, sweeper))) {
    throw new SweepError("plan_invalid", `the plan's Sweeper is not the one of treasury ${plan.treasury}`);
  }

  const chainId = plan.chain.chain_id;
  const fees = {
    maxFeePerGas: BigInt(plan.fees.max_fee_per_gas),
    maxPriorityFeePerGas: BigInt(plan.fees.max_priority_fee_per_gas),
  };
  const tokens = plan.assets
    .filter((asset) => asset.type === "erc20")
    .map((asset) => asset.contract as Address);
  const nonces = new Map<Address, number>([[getAddress(plan.sponsor.address), plan.sponsor.nonce]]);
  for (const { entry } of accounts.values()) nonces.set(getAddress(entry.address), entry.nonce);
  const nextNonce = (from: Address) => {
    const nonce = nonces.get(from)!;
    nonces.set(from, nonce + 1);
    return nonce;
  };
  const depositOf = (address: string) => {
    const found = accounts.get(getAddress(address));
    if (!found)
      throw new SweepError("plan_invalid", `transaction names ${address}, which is not a planned address`);
    return found;
  };

  const signed: SignedTransaction[] = [];
  const add = async (
    from: LocalAccount,
    addresses: string[],
    kind: SignedTransaction["kind"],
    request: Record<string, unknown>,
  ) => {
    const nonce = nextNonce(getAddress(from.address));
    const raw = await from.signTransaction!({ chainId, nonce, ...fees, ...request } as never);
    signed.push({ kind, from: from.address, nonce, hash: keccak256(raw), raw, addresses });
  };

  for (const tx of plan.transactions) {
    if (tx.kind !== "transfer" && !sameAddress(tx.from, sponsor.address)) {
      throw new SweepError("plan_invalid", `a ${tx.kind} transaction is not from the sponsor`);
    }
    const gas = BigInt(tx.gas);
    switch (tx.kind) {
      case "deploy_sweeper":
        await add(sponsor, [], tx.kind, {
          type: "eip1559",
          to: DEPLOYMENT_PROXY,
          data: sweeperDeployData(getAddress(plan.treasury)),
          gas,
        });
        break;
      case "sweep_batch": {
        const batch = tx.addresses.map(depositOf);
        const authorizationList: SignedAuthorization[] = [];
        for (const { entry, account } of batch) {
          if (entry.delegated_to !== null && sameAddress(entry.delegated_to, sweeper)) continue;
          // chain-specific (never 0: that would be valid on every chain) and at the address's own nonce
          authorizationList.push(
            await account.signAuthorization!({ chainId, contractAddress: sweeper, nonce: entry.nonce }),
          );
        }
        const data = sweepManyData(
          batch.map(({ entry }) => getAddress(entry.address)),
          tokens,
        );
        const request =
          authorizationList.length > 0
            ? { type: "eip7702", to: sweeper, data, gas, authorizationList }
            : { type: "eip1559", to: sweeper, data, gas };
        await add(sponsor, tx.addresses, tx.kind, request);
        break;
      }
      case "topup":
        depositOf(tx.to);
        await add(sponsor, [tx.to], tx.kind, { type: "eip1559", to: tx.to, value: BigInt(tx.value), gas });
        break;
      case "transfer": {
        if (!sameAddress(tx.to, plan.treasury))
          throw new SweepError("plan_invalid", `a transfer goes to ${tx.to}, not the treasury`);
        const asset = plan.assets.find((candidate) => candidate.symbol === tx.asset);
        if (!asset)
          throw new SweepError("plan_invalid", `a transfer of ${tx.asset}, which the plan does not list`);
        const request: Record<string, unknown> =
          asset.type === "native"
            ? { to: tx.to, value: BigInt(tx.amount) }
            : {
                to: asset.contract,
                data: encodeFunctionData({
                  abi: erc20,
                  functionName: "transfer",
                  args: [getAddress(tx.to), BigInt(tx.amount)],
                }),
              };
        await add(depositOf(tx.from).account, [tx.from], tx.kind, { type: "eip1559", gas, ...request });
        break;
      }
    }
  }
  return { format: BUNDLE_FORMAT, plan, transactions: signed };
}
