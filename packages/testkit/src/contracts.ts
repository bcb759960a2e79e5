import type { Abi, Account, Address, Hash, Hex } from "viem";
import artifacts from "../../../test/contracts/artifacts.json" with { type: "json" };
import type { TestAnvil } from "./anvil/index.ts";

/** Who sends: an index into `anvil.accounts` or any account viem can sign for. */
export type Sender = number | Account;

export interface TestToken {
  address: Address;
  decimals: number;
  /** Anyone may mint; this one is sent by `accounts[0]`. */
  mint(to: Address, amount: bigint): Promise<Hash>;
  transfer(from: Sender, to: Address, amount: bigint): Promise<Hash>;
  balanceOf(owner: Address): Promise<bigint>;
}

export interface TestForwarder {
  address: Address;
  /** Sends `value` to the forwarder, which passes it on to `to` in an internal call. */
  forward(from: Sender, to: Address, value: bigint): Promise<Hash>;
}

const tokenAbi = artifacts.TestToken.abi as Abi;
const noBoolTokenAbi = artifacts.NoBoolToken.abi as Abi;
const forwarderAbi = artifacts.Forwarder.abi as Abi;

/** Deploys a mintable ERC-20 (6 decimals unless told) and waits until it is mined. */
export async function deployTestToken(
  anvil: TestAnvil,
  opts: { decimals?: number } = {},
): Promise<TestToken> {
  const decimals = opts.decimals ?? 6;
  const address = await deploy(anvil, tokenAbi, artifacts.TestToken.bytecode as Hex, [
    "Test USD",
    "TUSD",
    decimals,
  ]);
  return {
    address,
    decimals,
    mint: (to, amount) =>
      anvil.walletClient.writeContract({ address, abi: tokenAbi, functionName: "mint", args: [to, amount] }),
    transfer: (from, to, amount) =>
      anvil.walletClient.writeContract({
        address,
        abi: tokenAbi,
        functionName: "transfer",
        args: [to, amount],
        account: sender(anvil, from),
      }),
    balanceOf: async (owner) =>
      (await anvil.publicClient.readContract({
        address,
        abi: tokenAbi,
        functionName: "balanceOf",
        args: [owner],
      })) as bigint,
  };
}

/**
 * Deploys an ERC-20 whose `transfer` returns no bool (as USDT on Ethereum), 6 decimals, sent by `from`
 * (default `accounts[0]`), and waits until it is mined.
 */
export async function deployNoBoolToken(anvil: TestAnvil, from: Sender = 0): Promise<TestToken> {
  const account = sender(anvil, from);
  const hash = await anvil.walletClient.deployContract({
    abi: noBoolTokenAbi,
    bytecode: artifacts.NoBoolToken.bytecode as Hex,
    args: [6],
    account,
  });
  const receipt = await anvil.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`Deployment ${hash} failed`);
  const address = receipt.contractAddress;
  return {
    address,
    decimals: 6,
    mint: (to, amount) =>
      anvil.walletClient.writeContract({
        address,
        abi: noBoolTokenAbi,
        functionName: "mint",
        args: [to, amount],
      }),
    transfer: (by, to, amount) =>
      anvil.walletClient.writeContract({
        address,
        abi: noBoolTokenAbi,
        functionName: "transfer",
        args: [to, amount],
        account: sender(anvil, by),
      }),
    balanceOf: async (owner) =>
      (await anvil.publicClient.readContract({
        address,
        abi: noBoolTokenAbi,
        functionName: "balanceOf",
        args: [owner],
      })) as bigint,
  };
}

/** Deploys the ether forwarder and waits until it is mined. */
export async function deployForwarder(anvil: TestAnvil): Promise<TestForwarder> {
  const address = await deploy(anvil, forwarderAbi, artifacts.Forwarder.bytecode as Hex, []);
  return {
    address,
    forward: (from, to, value) =>
      anvil.walletClient.writeContract({
        address,
        abi: forwarderAbi,
        functionName: "forward",
        args: [to],
        value,
        account: sender(anvil, from),
      }),
  };
}

async function deploy(anvil: TestAnvil, abi: Abi, bytecode: Hex, args: unknown[]): Promise<Address> {
  const hash = await anvil.walletClient.deployContract({ abi, bytecode, args });
  const receipt = await anvil.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`Deployment ${hash} failed`);
  return receipt.contractAddress;
}

function sender(anvil: TestAnvil, from: Sender): Account {
  if (typeof from !== "number") return from;
  const account = anvil.accounts[from];
  if (!account) throw new Error(`No dev account ${from}; there are ${anvil.accounts.length}`);
  return account;
}
