import { type Asset, type Chain, findAsset, InvalidRequestError, isChainEnabled } from "@paygate/shared";

/** The chain and asset a request names, if this gateway offers them (configured and watchable). */
export function offeredAsset(
  chains: ReadonlyMap<string, Chain>,
  chainId: string,
  symbol: string,
): { chain: Chain; asset: Asset } {
  const chain = chains.get(chainId);
  if (!chain || !isChainEnabled(chain)) {
    throw new InvalidRequestError(
      "chain_not_supported",
      `Chain '${chainId}' is not enabled on this gateway`,
      {
        param: "chain",
      },
    );
  }
  const asset = findAsset(chain, symbol);
  if (!asset) {
    const offered = chain.assets.map((candidate) => candidate.symbol).join(", ");
    throw new InvalidRequestError(
      "asset_not_supported",
      `Asset '${symbol}' is not offered on ${chain.id} (offered: ${offered})`,
      { param: "asset" },
    );
  }
  return { chain, asset };
}
