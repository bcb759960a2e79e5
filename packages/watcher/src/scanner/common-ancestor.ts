/** A block as the scanner remembers it, or as the node now reports it. */
export interface BlockRef {
  number: bigint;
  hash: string;
}

/**
 * The newest block the stored chain and the node's chain agree on, or null when they share none of the stored
 * blocks (a reorg deeper than the kept window). Pure; `canonical` may lack heights above the node's head.
 */
export function findCommonAncestor(
  stored: readonly BlockRef[],
  canonical: readonly BlockRef[],
): BlockRef | null {
  const canonicalHash = new Map(canonical.map((block) => [block.number, block.hash]));
  const newestFirst = [...stored].sort((a, b) => (a.number > b.number ? -1 : a.number < b.number ? 1 : 0));
  return newestFirst.find((block) => canonicalHash.get(block.number) === block.hash) ?? null;
}

/**
 * Whether a fetched range of consecutive heights is one chain: each block's parent is the block before it. A
 * range read while the node reorganised can mix two forks (a transaction in an old block and again in its new
 * one), and must be read again rather than recorded.
 */
export function isLinked(blocks: readonly { hash: string; parentHash: string }[]): boolean {
  return blocks.every((block, i) => i === 0 || block.parentHash === blocks[i - 1]!.hash);
}
