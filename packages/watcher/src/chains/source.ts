import type { Chain } from "@paygate/shared";

/**
 * The seam between the chain-agnostic scanner (checkpoint, reorg walk-back, confirmations, effects) and one chain
 * family. A source fetches and matches; it never writes. EVM implements it over JSON-RPC; Bitcoin (node
 * JSON-RPC or Esplora) implements the same interface, plus `mempool` for unconfirmed transactions.
 */
export interface BlockHeader {
  number: bigint;
  hash: string;
  parentHash: string;
  timestamp: Date;
}

/** One transfer to a watched address, as the chain shows it. */
export interface Transfer {
  /** The intent address exactly as stored (EVM: checksummed). */
  address: string;
  /** Symbol of the configured asset that moved (native coin or a configured token). */
  asset: string;
  txHash: string;
  /** Log index (ERC-20), output index (Bitcoin), 0 for a transaction's own value, 1 + call position (traces). */
  index: number;
  amount: bigint;
}

export interface ScannedBlock extends BlockHeader {
  transfers: Transfer[];
  /** What the source saw for a watched address (or could not read at all) and could not turn into a transfer. */
  skipped?: SkippedObservation[];
}

/** Why an observation was skipped rather than recorded (the metric's `reason` label). */
export type SkipReason =
  | "zero_amount"
  | "amount_out_of_range"
  | "malformed"
  | "malformed_log"
  | "rejected_by_database";

/** An observation the gateway cannot record: skipped with a warning and a metric, never a stopped chain. */
export interface SkippedObservation {
  reason: SkipReason;
  txHash?: string;
  index?: number;
  address?: string;
  amount?: bigint;
}

/** Membership test over the watched addresses; the source normalises what it passes (EVM: lower case). */
export interface AddressFilter {
  has(address: string): boolean;
}

export interface ChainSource {
  readonly chain: Chain;
  /** How an address is keyed in the watched set (EVM: lower case; Bitcoin: as encoded). */
  addressKey(address: string): string;
  head(): Promise<Pick<BlockHeader, "number" | "hash">>;
  /** Blocks `from..to` inclusive, ascending, linked by parent hash, with their transfers to watched addresses. */
  blocks(from: bigint, to: bigint, watched: AddressFilter): Promise<ScannedBlock[]>;
  /** Headers `from..to` inclusive, ascending (the reorg walk-back compares their hashes with stored ones). */
  headers(from: bigint, to: bigint): Promise<BlockHeader[]>;
  /** The node's finalized height, for chains in `finalized` mode. */
  finalized?(): Promise<bigint>;
  /**
   * Unconfirmed transfers to watched addresses (Bitcoin mempool). A transfer seen before and absent now has left
   * the mempool (dropped, or replaced by a conflicting transaction); the scanner reports it vanished unless a
   * block holds it.
   */
  mempool?(watch: MempoolWatch): Promise<MempoolSnapshot>;
}

/** One unconfirmed transfer, with its BIP125 replace-by-fee signal. */
export interface MempoolTransfer extends Transfer {
  rbf: boolean;
}

export interface MempoolSnapshot {
  /**
   * The best block hash read after the mempool: the scanner judges absences only when it is the block it has
   * scanned last (otherwise a transaction missing from the mempool may just have been mined).
   */
  tipHash: string;
  transfers: MempoolTransfer[];
}

/** What a mempool read needs from the scanner. */
export interface MempoolWatch extends AddressFilter {
  /**
   * Reads intents created since the last refresh. A backend calls it after listing the mempool and before
   * matching: every address a listed transaction pays was created before the listing, so none is missed.
   */
  refresh(): Promise<void>;
  /** Addresses whose unconfirmed payments matter now (backends that ask per address, such as Esplora). */
  openAddresses(): Promise<string[]>;
}

/** The range a source could not return consistently (a reorg under our feet); the scanner retries it. */
export class InconsistentRangeError extends Error {
  override name = "InconsistentRangeError";
  constructor(
    readonly chainId: string,
    readonly from: bigint,
    readonly to: bigint,
    reason: string,
  ) {
    super(`${chainId} blocks ${from}-${to} changed while being read: ${reason}`);
  }
}
