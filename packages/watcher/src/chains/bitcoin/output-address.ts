import { address, type Network } from "bitcoinjs-lib";

/**
 * The address an output pays, read from its scriptPubKey by the standard templates (BIP141/BIP341 witness
 * programs, P2PKH, P2SH), or undefined for anything else (OP_RETURN, bare multisig, unknown witness versions).
 * Matching by script means a P2SH-P2WPKH deposit is the P2SH template: its redeem script is the payer's secret
 * until spent. Pure and ECC-free: no key is validated, only bytes compared and encoded.
 */
export function outputAddress(script: Uint8Array, network: Network): string | undefined {
  const n = script.length;
  // OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
  if (
    n === 25 &&
    script[0] === 0x76 &&
    script[1] === 0xa9 &&
    script[2] === 0x14 &&
    script[23] === 0x88 &&
    script[24] === 0xac
  ) {
    return address.toBase58Check(script.subarray(3, 23), network.pubKeyHash);
  }
  // OP_HASH160 <20> OP_EQUAL
  if (n === 23 && script[0] === 0xa9 && script[1] === 0x14 && script[22] === 0x87) {
    return address.toBase58Check(script.subarray(2, 22), network.scriptHash);
  }
  // OP_0 <20> (P2WPKH) or OP_0 <32> (P2WSH)
  if ((n === 22 || n === 34) && script[0] === 0x00 && script[1] === n - 2) {
    return address.toBech32(script.subarray(2), 0, network.bech32);
  }
  // OP_1 <32>: taproot (bech32m)
  if (n === 34 && script[0] === 0x51 && script[1] === 0x20) {
    return address.toBech32(script.subarray(2), 1, network.bech32);
  }
  return undefined;
}
