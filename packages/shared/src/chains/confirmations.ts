import type { Chain } from "./chain.ts";

export interface ChainTip {
  /** Highest block whose effects are committed (the watcher's scanned height). */
  head: bigint | null;
  /** The node's finalized block, for chains in `finalized` mode. */
  finalized: bigint | null;
}

/**
 * `head - block + 1`: a payment in the head block has one confirmation. In `finalized` mode the count is held
 * below the threshold until the node calls the block final, then raised to it.
 */
export function confirmationsOf(
  blockNumber: bigint | null,
  tip: ChainTip,
  chain: Chain,
  required: number,
): number {
  if (blockNumber === null || tip.head === null || tip.head < blockNumber) return 0;
  const count = Number(tip.head - blockNumber + 1n);
  if (chain.finality !== "finalized") return count;
  const final = tip.finalized !== null && blockNumber <= tip.finalized;
  return final ? Math.max(count, required) : Math.min(count, required - 1);
}
