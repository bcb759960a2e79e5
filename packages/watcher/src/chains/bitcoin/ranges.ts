import type { Chain } from "@paygate/shared";

/** Heights `from..to` inclusive as the numbers both backends put in requests. */
export function heightsOf(from: bigint, to: bigint): number[] {
  const heights: number[] = [];
  for (let height = from; height <= to; height++) heights.push(Number(height));
  return heights;
}

/** The coin a Bitcoin chain pays in (BTC): outputs carry nothing else. */
export function nativeAsset(chain: Chain): string {
  const native = chain.assets.find((asset) => asset.type === "native");
  if (!native) throw new Error(`chain ${chain.id} has no native asset`);
  return native.symbol;
}
