/** A configured network and what can be paid on it. Presets live in `presets.ts`; operators override them. */
export type ChainFamily = "evm" | "bitcoin";

/** Address encoding of a Bitcoin chain: mainnet (bc1/1/3), the testnets and signet (tb1/m/n/2), regtest (bcrt1). */
export type BitcoinNetwork = "bitcoin" | "testnet" | "regtest";

export interface Asset {
  symbol: string;
  type: "native" | "erc20";
  decimals: number;
  /** ERC-20 contract address (checksummed); absent for the native coin. */
  contract?: `0x${string}`;
  /** Overrides the chain's threshold for this asset. */
  requiredConfirmations?: number;
  /** Priced 1:1 against this fiat currency without asking a rate provider (stablecoins, when configured so). */
  peggedTo?: string;
}

export interface BitcoinBackend {
  kind: "node" | "esplora";
  url: string;
}

export interface Chain {
  id: string;
  family: ChainFamily;
  /** EIP-155 chain id (EVM only). */
  chainId?: number;
  bitcoinNetwork?: BitcoinNetwork;
  assets: Asset[];
  requiredConfirmations: number;
  /** `finalized` trusts the node's finalized block tag instead of counting confirmations. */
  finality: "confirmations" | "finalized";
  pollIntervalMs: number;
  rpcUrls: string[];
  bitcoinBackend?: BitcoinBackend;
  /** Largest block span one eth_getLogs call may cover (provider limits). */
  maxBlockRange: number;
  /** Detect native coin sent by contracts via call traces (needs debug_traceBlockByNumber). */
  internalTransfers: boolean;
  /**
   * The chain executes EIP-7702 (type-4) transactions, so `paygate sweep` can batch through delegated addresses;
   * otherwise it tops up gas and transfers from each address. Absent means no.
   */
  eip7702?: boolean;
}

export function findAsset(chain: Chain, symbol: string): Asset | undefined {
  return chain.assets.find((asset) => asset.symbol === symbol);
}

export function requiredConfirmationsFor(chain: Chain, asset: Asset): number {
  return asset.requiredConfirmations ?? chain.requiredConfirmations;
}

/** A chain is offered to merchants only when the gateway can watch it. */
export function isChainEnabled(chain: Chain): boolean {
  return chain.family === "evm" ? chain.rpcUrls.length > 0 : chain.bitcoinBackend !== undefined;
}
