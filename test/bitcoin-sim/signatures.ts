import * as ecc from "@bitcoinerlab/secp256k1";
import { crypto, payments, script, type Transaction } from "bitcoinjs-lib";
import type { Coin } from "./chain.ts";
import { coreScriptType } from "./scripts.ts";

/**
 * Checks the BIP143 signature of a P2WPKH input: the witness key hashes to the program and signs the input.
 * Other script types are not interpreted (the simulator's wallet only spends P2WPKH); they pass unchecked.
 */
export function verifyInputSignature(tx: Transaction, index: number, coin: Coin): boolean {
  if (coreScriptType(coin.script) !== "witness_v0_keyhash") return true;
  const input = tx.ins[index];
  const [encodedSignature, publicKey] = input?.witness ?? [];
  if (input?.witness.length !== 2 || encodedSignature === undefined || publicKey === undefined) return false;
  const program = coin.script.subarray(2);
  if (Buffer.compare(crypto.hash160(publicKey), program) !== 0 || !ecc.isPoint(publicKey)) return false;
  let decoded: ReturnType<typeof script.signature.decode>;
  try {
    decoded = script.signature.decode(encodedSignature);
  } catch {
    return false;
  }
  const scriptCode = payments.p2pkh({ hash: program }).output as Uint8Array;
  const digest = tx.hashForWitnessV0(index, scriptCode, coin.value, decoded.hashType);
  return ecc.verify(digest, publicKey, decoded.signature, true);
}
