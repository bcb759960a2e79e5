import type { Network, Transaction } from "bitcoinjs-lib";
import type { AddressFilter, MempoolTransfer, Transfer } from "../source.ts";
import { outputAddress } from "./output-address.ts";

/** BIP125: a transaction signals replaceability when any input's nSequence is below 0xfffffffe. */
const MAX_BIP125_RBF_SEQUENCE = 0xfffffffd;

export function signalsRbf(tx: Transaction): boolean {
  return tx.ins.some((input) => input.sequence <= MAX_BIP125_RBF_SEQUENCE);
}

/**
 * The outputs of `tx` that pay a watched address, one transfer per output (the payment index is the output
 * index), in satoshi as bigint straight from the serialised transaction. `txid` is computed only on a match.
 */
export function matchOutputs(
  tx: Transaction,
  network: Network,
  watched: AddressFilter,
  asset: string,
  txid?: string,
): Transfer[] {
  const transfers: Transfer[] = [];
  tx.outs.forEach((output, index) => {
    const paid = outputAddress(output.script, network);
    if (paid === undefined || !watched.has(paid)) return;
    transfers.push({ address: paid, asset, txHash: txid ?? tx.getId(), index, amount: output.value });
  });
  return transfers;
}

/** `matchOutputs` for an unconfirmed transaction, with its BIP125 signal. */
export function matchMempoolOutputs(
  tx: Transaction,
  network: Network,
  watched: AddressFilter,
  asset: string,
  txid?: string,
): MempoolTransfer[] {
  const rbf = signalsRbf(tx);
  return matchOutputs(tx, network, watched, asset, txid).map((transfer) => ({ ...transfer, rbf }));
}
