import { describe, expect, it } from "vitest";
import type { MempoolTransfer } from "../source.ts";
import { MempoolCache } from "./mempool-cache.ts";

const transfer = (txHash: string): MempoolTransfer => ({
  address: "bcrt1q",
  asset: "BTC",
  txHash,
  index: 0,
  amount: 1n,
  rbf: true,
});

describe("MempoolCache", () => {
  it("returns the cached transfers of the listed txids and forgets the rest", () => {
    const cache = new MempoolCache();
    cache.set("a", [transfer("a")]);
    cache.set("b", []);
    cache.set("c", [transfer("c")]);
    expect(cache.retain(new Set(["a", "b", "unknown"]))).toEqual([transfer("a")]);
    expect(cache.has("c")).toBe(false);
    expect(cache.has("b")).toBe(true);
  });
});
