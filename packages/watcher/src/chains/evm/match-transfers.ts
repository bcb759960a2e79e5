import type { AddressFilter, SkippedObservation } from "../source.ts";

/**
 * Deciding which parts of an EVM block pay a watched address. Pure: the RPC calls live in `evm-source.ts`.
 * Addresses are compared in lower case (the watched set's key); amounts are wei / token base units.
 */
export interface NativeCandidate {
  txHash: string;
  to: string;
  amount: bigint;
}

export interface TokenTransferLog {
  /** The token contract that emitted the log. */
  address: string;
  blockHash: string | null;
  blockNumber: bigint | null;
  transactionHash: string | null;
  logIndex: number | null;
  removed: boolean;
  args: { to?: string; value?: bigint };
}

export interface TokenMatch {
  blockNumber: bigint;
  blockHash: string;
  txHash: string;
  index: number;
  to: string;
  contract: string;
  amount: bigint;
}

/**
 * Transactions whose own value goes to a watched address. They still need their receipt: a failed transaction
 * moves no value although it sits in the block.
 */
export function matchNativeTransactions(
  transactions: readonly { hash: string; to: string | null; value: bigint }[],
  watched: AddressFilter,
  /** Receives what reached a watched address but cannot count (a 0-value transaction). */
  skipped: SkippedObservation[] = [],
): NativeCandidate[] {
  const candidates: NativeCandidate[] = [];
  for (const tx of transactions) {
    if (tx.to === null || !watched.has(tx.to.toLowerCase())) continue;
    if (tx.value === 0n) {
      skipped.push({ reason: "zero_amount", txHash: tx.hash, index: 0, address: tx.to, amount: 0n });
      continue;
    }
    candidates.push({ txHash: tx.hash, to: tx.to, amount: tx.value });
  }
  return candidates;
}

/**
 * ERC-20 `Transfer` logs to a watched address. Only logs of successful transactions exist, so no receipt is
 * needed; `removed` logs (a reorg seen by the node) and zero-value transfers never count.
 */
export function matchTokenTransfers(
  logs: readonly TokenTransferLog[],
  watched: AddressFilter,
  /**
   * Receives logs that cannot count: a 0-value transfer to a watched address, and a log the `Transfer` ABI
   * does not decode (wrong topic count or data: a non-standard token emitting the same topic).
   */
  skipped: (SkippedObservation & { blockNumber: bigint | null })[] = [],
): TokenMatch[] {
  const matches: TokenMatch[] = [];
  for (const log of logs) {
    if (log.removed) continue;
    const { to, value } = log.args;
    const where = {
      txHash: log.transactionHash ?? undefined,
      index: log.logIndex ?? undefined,
      blockNumber: log.blockNumber,
    };
    if (typeof to !== "string" || typeof value !== "bigint") {
      skipped.push({ reason: "malformed_log", ...where });
      continue;
    }
    if (log.blockHash === null || log.blockNumber === null) continue;
    if (log.transactionHash === null || log.logIndex === null) continue;
    if (!watched.has(to.toLowerCase())) continue;
    if (value === 0n) {
      skipped.push({ reason: "zero_amount", ...where, address: to, amount: 0n });
      continue;
    }
    matches.push({
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
      txHash: log.transactionHash,
      index: log.logIndex,
      to,
      contract: log.address.toLowerCase(),
      amount: value,
    });
  }
  return matches;
}

/** One frame of geth's `callTracer` output (Anvil, Reth and Erigon answer the same shape). */
export interface CallFrame {
  type: string;
  from: string;
  to?: string;
  value?: string;
  error?: string;
  calls?: CallFrame[];
}

export interface InternalMatch {
  txHash: string;
  to: string;
  /** 1 + the frame's position in a depth-first walk of the nested calls: never 0, the transaction's own value. */
  index: number;
  amount: bigint;
}

const valueCarrying = new Set(["CALL", "CREATE", "CREATE2", "SELFDESTRUCT"]);

/**
 * Native coin sent by contracts (smart wallets, batch withdrawals): value-carrying nested calls to a watched
 * address. A frame that failed undoes everything below it, and a failed transaction undoes everything.
 */
export function matchInternalTransfers(
  traces: readonly { txHash: string; result: CallFrame }[],
  watched: AddressFilter,
): InternalMatch[] {
  const matches: InternalMatch[] = [];
  for (const { txHash, result } of traces) {
    if (result.error) continue;
    let position = 0;
    const walk = (frames: readonly CallFrame[], undone: boolean) => {
      for (const frame of frames) {
        position += 1;
        const failed = undone || frame.error !== undefined;
        const amount = frame.value ? BigInt(frame.value) : 0n;
        if (!failed && amount > 0n && frame.to && valueCarrying.has(frame.type.toUpperCase())) {
          if (watched.has(frame.to.toLowerCase())) {
            matches.push({ txHash, to: frame.to, index: position, amount });
          }
        }
        walk(frame.calls ?? [], failed);
      }
    };
    walk(result.calls ?? [], false);
  }
  return matches;
}
