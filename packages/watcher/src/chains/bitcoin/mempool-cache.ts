import type { MempoolTransfer } from "../source.ts";

/**
 * What each mempool transaction seen so far pays to watched addresses (mostly nothing), so a poll fetches only
 * transactions it has not seen before: the mempool is diffed by txid, not read again.
 */
export class MempoolCache {
  private readonly matched = new Map<string, MempoolTransfer[]>();

  has(txid: string): boolean {
    return this.matched.has(txid);
  }

  set(txid: string, transfers: MempoolTransfer[]): void {
    this.matched.set(txid, transfers);
  }

  /** The transfers of `txids` that are cached; every other transaction is forgotten. */
  retain(txids: ReadonlySet<string>): MempoolTransfer[] {
    for (const txid of this.matched.keys()) if (!txids.has(txid)) this.matched.delete(txid);
    return [...txids].flatMap((txid) => this.matched.get(txid) ?? []);
  }
}
