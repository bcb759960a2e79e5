import {
  type Address,
  getAddress,
  type Hash,
  type PublicClient,
  TransactionReceiptNotFoundError,
} from "viem";
import { SweepError } from "../errors.ts";
import type { SweepBundle } from "../format/bundle-format.ts";
import { readDeposits } from "../plan/read-chain.ts";

export type TransactionOutcome = "sent" | "already_mined" | "nonce_taken";

export interface SendResult {
  transactions: {
    kind: string;
    hash: Hash;
    nonce: number;
    outcome: TransactionOutcome;
    gasUsed: bigint | null;
  }[];
  /** Per address and asset: the plan's balance, the balance now, and what left the address. */
  balances: { address: Address; asset: string; before: bigint; after: bigint; moved: bigint }[];
  /** Every transaction is mined (none lost its nonce to another one). */
  complete: boolean;
}

export interface SendOptions {
  /** Default: the plan's chain `required_confirmations`. */
  confirmations?: number;
  onTransaction?: (hash: Hash, outcome: TransactionOutcome) => void;
}

async function receiptOf(client: PublicClient, hash: Hash) {
  try {
    return await client.getTransactionReceipt({ hash });
  } catch (error) {
    if (error instanceof TransactionReceiptNotFoundError) return null;
    throw error;
  }
}

/**
 * `paygate sweep send`: broadcasts in nonce order and is safe to run again: a transaction already mined is not
 * sent again, and one whose nonce something else used is reported, never re-signed.
 */
export async function sendBundle(
  client: PublicClient,
  bundle: SweepBundle,
  options: SendOptions = {},
): Promise<SendResult> {
  const { plan } = bundle;
  const chainId = await client.getChainId();
  if (chainId !== plan.chain.chain_id) {
    throw new SweepError(
      "chain_id_mismatch",
      `the RPC endpoint serves chain id ${chainId}; the bundle is for ${plan.chain.id} (${plan.chain.chain_id})`,
    );
  }
  const confirmations = options.confirmations ?? plan.chain.required_confirmations;
  const transactions: SendResult["transactions"] = [];
  let last: Hash | undefined;
  for (const tx of bundle.transactions) {
    const hash = tx.hash as Hash;
    let receipt = await receiptOf(client, hash);
    let outcome: TransactionOutcome = "already_mined";
    if (!receipt) {
      const used = await client.getTransactionCount({ address: getAddress(tx.from), blockTag: "latest" });
      if (used > tx.nonce) {
        transactions.push({ kind: tx.kind, hash, nonce: tx.nonce, outcome: "nonce_taken", gasUsed: null });
        options.onTransaction?.(hash, "nonce_taken");
        continue;
      }
      await client
        .sendRawTransaction({ serializedTransaction: tx.raw as `0x${string}` })
        .catch((error: unknown) => {
          // a node that already holds it in its pool says so; the receipt below is what counts
          if (!/already known|known transaction/i.test(String(error))) throw error;
        });
      receipt = await client.waitForTransactionReceipt({ hash });
      outcome = "sent";
    }
    if (receipt.status !== "success") {
      throw new SweepError(
        "transaction_failed",
        `${tx.kind} transaction ${hash} reverted in block ${receipt.blockNumber}`,
      );
    }
    last = hash;
    transactions.push({ kind: tx.kind, hash, nonce: tx.nonce, outcome, gasUsed: receipt.gasUsed });
    options.onTransaction?.(hash, outcome);
  }
  if (last) await client.waitForTransactionReceipt({ hash: last, confirmations });

  const head = await client.getBlockNumber({ cacheTime: 0 });
  const now = await readDeposits(
    client,
    head,
    plan.addresses.map((entry) => ({ address: getAddress(entry.address), index: entry.index })),
    plan.assets,
  );
  const balances = plan.addresses.flatMap((entry, i) =>
    Object.entries(entry.balances).map(([asset, before]) => {
      const after = now[i]!.balances[asset] ?? 0n;
      const moved = BigInt(before) - after;
      return {
        address: getAddress(entry.address),
        asset,
        before: BigInt(before),
        after,
        moved: moved > 0n ? moved : 0n,
      };
    }),
  );
  return { transactions, balances, complete: transactions.every((tx) => tx.outcome !== "nonce_taken") };
}
