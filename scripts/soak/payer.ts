import type { TestAnvil, TestToken } from "@paygate/testkit/helpers";
import { encodeFunctionData, type Hash, type Hex, parseAbi, parseEther, parseGwei } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

export type Asset = "ETH" | "TUSD";

export interface SentPayment {
  intentId: string;
  asset: Asset;
  amount: bigint;
  hash: Hash;
  /** The signed transaction, sent again when a reorg dropped it. */
  raw: Hex;
  /** When it was first sent, by the wall clock (ms). */
  sentAt: number;
}

export interface Inclusion {
  blockNumber: bigint;
  /** Block time in ms (the on-time rule compares it with `expires_at`). */
  minedAt: number;
  success: boolean;
}

/**
 * Everything the soak does to the chain, one call at a time (a reorg must not interleave with a send): pays
 * from one funded account of its own with locally counted nonces, mines, reorgs, and sends again what a reorg
 * dropped, in nonce order, so the account's later transactions stay valid.
 */
export interface Payer {
  pay(intentId: string, asset: Asset, to: Hex, amount: bigint): Promise<SentPayment>;
  mine(blocks: number): Promise<void>;
  /** Replaces the newest `depth` blocks; returns how many payments it dropped (they are sent again). */
  reorg(depth: number): Promise<number>;
  /** The block of the next payment sent, or undefined if none comes within `timeoutMs`. */
  nextPayment(timeoutMs: number): Promise<bigint | undefined>;
  head(): Promise<bigint>;
  /** Sends again every payment missing from the chain; returns how many. */
  resendDropped(): Promise<number>;
  payments: SentPayment[];
  /** Each time a payment was found missing from the chain (a reorg dropped it): the head's block time, ms. */
  drops: Map<Hash, number[]>;
  /** Where each payment is now, from the node. */
  inclusions(): Promise<Map<Hash, Inclusion | undefined>>;
}

const erc20 = parseAbi(["function transfer(address to, uint256 amount) returns (bool)"]);

export async function createPayer(anvil: TestAnvil, token: TestToken): Promise<Payer> {
  const account = privateKeyToAccount(generatePrivateKey());
  await anvil.testClient.setBalance({ address: account.address, value: parseEther("1000000") });
  await anvil.publicClient.waitForTransactionReceipt({ hash: await token.mint(account.address, 10n ** 18n) });
  // funding deeper than any reorg the soak makes
  await anvil.mine(5);
  let nonce = await anvil.publicClient.getTransactionCount({ address: account.address });
  const payments: SentPayment[] = [];
  const drops = new Map<Hash, number[]>();
  const waiting = new Set<(block: bigint) => void>();
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => {});
    return run;
  };

  async function resend(): Promise<number> {
    let sent = 0;
    let headTime: number | undefined;
    for (const payment of payments) {
      if (await included(payment.hash)) continue;
      headTime ??= Number((await anvil.publicClient.getBlock()).timestamp) * 1000;
      const accepted = await anvil.walletClient
        .sendRawTransaction({ serializedTransaction: payment.raw })
        .then(
          () => true,
          (error: unknown) => {
            // already known to the node's pool: it is mined with the next block, and was counted when dropped
            if (!/already|known/i.test(String(error))) throw error;
            return false;
          },
        );
      if (accepted) drops.set(payment.hash, [...(drops.get(payment.hash) ?? []), headTime]);
      sent++;
    }
    return sent;
  }

  async function included(hash: Hash): Promise<boolean> {
    try {
      await anvil.publicClient.getTransactionReceipt({ hash });
      return true;
    } catch {
      return false;
    }
  }

  return {
    payments,
    drops,
    pay: (intentId, asset, to, amount) =>
      serial(async () => {
        const call =
          asset === "ETH"
            ? { to, value: amount }
            : {
                to: token.address,
                data: encodeFunctionData({ abi: erc20, functionName: "transfer", args: [to, amount] }),
              };
        const raw = await anvil.walletClient.signTransaction({
          account,
          chain: anvil.chain,
          nonce: nonce++,
          gas: 100_000n,
          maxFeePerGas: parseGwei("50"),
          maxPriorityFeePerGas: parseGwei("1"),
          ...call,
        });
        const sentAt = Date.now();
        const hash = await anvil.walletClient.sendRawTransaction({ serializedTransaction: raw });
        const payment = { intentId, asset, amount, hash, raw, sentAt };
        payments.push(payment);
        if (waiting.size > 0) {
          // automine mines on a task of its own: the receipt follows the hash shortly, not with it
          const { blockNumber } = await anvil.publicClient.waitForTransactionReceipt({
            hash,
            pollingInterval: 20,
            timeout: 10_000,
          });
          for (const resolve of waiting) resolve(blockNumber);
          waiting.clear();
        }
        return payment;
      }),
    mine: (blocks) => serial(() => anvil.mine(blocks)),
    head: () => anvil.publicClient.getBlockNumber({ cacheTime: 0 }),
    nextPayment: (timeoutMs) =>
      new Promise((resolve) => {
        const done = (block: bigint | undefined) => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve(block);
        };
        const timer = setTimeout(() => done(undefined), timeoutMs);
        waiting.add(done);
      }),
    reorg: (depth) =>
      serial(async () => {
        await anvil.reorg(depth);
        return resend();
      }),
    resendDropped: () => serial(resend),
    inclusions: () =>
      serial(async () => {
        const found = new Map<Hash, Inclusion | undefined>();
        const times = new Map<bigint, number>();
        for (const payment of payments) {
          try {
            const receipt = await anvil.publicClient.getTransactionReceipt({ hash: payment.hash });
            if (!times.has(receipt.blockNumber)) {
              const block = await anvil.publicClient.getBlock({ blockNumber: receipt.blockNumber });
              times.set(receipt.blockNumber, Number(block.timestamp) * 1000);
            }
            found.set(payment.hash, {
              blockNumber: receipt.blockNumber,
              minedAt: times.get(receipt.blockNumber)!,
              success: receipt.status === "success",
            });
          } catch {
            found.set(payment.hash, undefined);
          }
        }
        return found;
      }),
  };
}
