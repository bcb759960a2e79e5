import { ANVIL_FUNDED_ACCOUNTS, ANVIL_MNEMONIC } from "@paygate/testkit/anvil";
import {
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  erc20Abi,
  type Hash,
  type HDAccount,
  http,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";

export interface SentTransfer {
  from: Address;
  /** The funded dev account (m/44'/60'/0'/0/i of the Anvil mnemonic) it came from. */
  accountIndex: number;
  hash: Hash;
  blockNumber: bigint;
}

/** A payer's token balance is too small: only Anvil's ether is pre-funded. */
export class InsufficientTokenBalanceError extends Error {
  override name = "InsufficientTokenBalanceError";
  readonly code = "insufficient_token_balance";
}

export interface DevChain {
  chainId(): Promise<number>;
  /** Sends `value` wei from a funded dev account (not `to` itself) and waits until it is mined. */
  pay(to: Address, value: bigint): Promise<SentTransfer>;
  /** Sends `amount` base units of the ERC-20 at `token` from the first dev account holding enough, mined. */
  payToken(token: Address, to: Address, amount: bigint, symbol: string): Promise<SentTransfer>;
  /** Moves the chain's clock so the next block is later than `unixSeconds`, and mines that block. */
  passTime(unixSeconds: number): Promise<bigint>;
  /** Mines until the block `blockNumber` has `confirmations` (itself counting as one); returns how many it mined. */
  mineToConfirmations(blockNumber: bigint, confirmations: number): Promise<number>;
}

export function devChain(rpcUrl: string, chainId: number): DevChain {
  const chain = defineChain({
    id: chainId,
    name: "Anvil",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 200 });
  const testClient = createTestClient({ chain, transport, mode: "anvil" });
  const mined = async (account: HDAccount, accountIndex: number, hash: Hash): Promise<SentTransfer> => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: 60_000 });
    return { from: account.address, accountIndex, hash, blockNumber: receipt.blockNumber };
  };
  return {
    chainId: () => publicClient.getChainId(),
    async pay(to, value) {
      const { account, accountIndex } = payers(to)[0]!;
      const wallet = createWalletClient({ chain, transport, account });
      return mined(account, accountIndex, await wallet.sendTransaction({ to, value }));
    },
    async payToken(token, to, amount, symbol) {
      for (const { account, accountIndex } of payers(to)) {
        const balance = await publicClient.readContract({
          address: token,
          abi: erc20Abi,
          functionName: "balanceOf",
          args: [account.address],
        });
        if (balance < amount) continue;
        const wallet = createWalletClient({ chain, transport, account });
        const hash = await wallet.writeContract({
          address: token,
          abi: erc20Abi,
          functionName: "transfer",
          args: [to, amount],
        });
        return mined(account, accountIndex, hash);
      }
      throw new InsufficientTokenBalanceError(
        `no funded Anvil account holds enough ${symbol} (${token}): Anvil funds ether only; ` +
          "mint or transfer the token to one of its accounts first",
      );
    },
    async passTime(unixSeconds) {
      const latest = await publicClient.getBlock({ blockTag: "latest" });
      const seconds = unixSeconds - Number(latest.timestamp) + 1;
      if (seconds > 0) await testClient.increaseTime({ seconds });
      await testClient.mine({ blocks: 1 });
      return (await publicClient.getBlock({ blockTag: "latest" })).timestamp;
    },
    async mineToConfirmations(blockNumber, confirmations) {
      const head = await publicClient.getBlockNumber({ cacheTime: 0 });
      const missing = Number(blockNumber + BigInt(confirmations) - 1n - head);
      if (missing > 0) await testClient.mine({ blocks: missing });
      return Math.max(missing, 0);
    },
  };
}

/**
 * The funded dev accounts from the last down. The demo merchant's deposit addresses are these same accounts
 * (0/i, counted from 0), so the last ones are the least likely to be paying themselves; `to` is skipped.
 */
function payers(to: Address): Payer[] {
  const accounts: Payer[] = [];
  for (let accountIndex = ANVIL_FUNDED_ACCOUNTS - 1; accountIndex >= 0; accountIndex--) {
    const account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: accountIndex });
    if (account.address.toLowerCase() !== to.toLowerCase()) accounts.push({ account, accountIndex });
  }
  return accounts;
}

interface Payer {
  account: HDAccount;
  accountIndex: number;
}
