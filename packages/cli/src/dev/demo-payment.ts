import { ANVIL_FUNDED_ACCOUNTS, ANVIL_MNEMONIC } from "@paygate/testkit";
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hash,
  type HDAccount,
  http,
  parseEther,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";

export interface DevChain {
  /** Sends `amount` ETH from a funded dev account and waits until it is mined. */
  pay(
    to: string,
    amount: string,
  ): Promise<{ from: string; accountIndex: number; hash: Hash; blockNumber: bigint }>;
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
  return {
    async pay(to, amount) {
      // The demo merchant's deposit addresses are these same accounts (0/i), counted from 0: pay from the last.
      const { account, accountIndex } = payerFor(to);
      const wallet = createWalletClient({ chain, transport, account });
      const hash = await wallet.sendTransaction({ to: to as `0x${string}`, value: parseEther(amount) });
      const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: 60_000 });
      return { from: account.address, accountIndex, hash, blockNumber: receipt.blockNumber };
    },
    async mineToConfirmations(blockNumber, confirmations) {
      const head = await publicClient.getBlockNumber({ cacheTime: 0 });
      const missing = Number(blockNumber + BigInt(confirmations) - 1n - head);
      if (missing > 0) await testClient.mine({ blocks: missing });
      return Math.max(missing, 0);
    },
  };
}

function payerFor(to: string): { account: HDAccount; accountIndex: number } {
  for (let accountIndex = ANVIL_FUNDED_ACCOUNTS - 1; ; accountIndex--) {
    const account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: accountIndex });
    if (account.address.toLowerCase() !== to.toLowerCase()) return { account, accountIndex };
  }
}
