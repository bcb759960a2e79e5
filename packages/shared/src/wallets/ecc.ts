import * as ecc from "@bitcoinerlab/secp256k1";
import { BIP32Factory } from "bip32";
import { initEccLib } from "bitcoinjs-lib";

// bitcoinjs-lib needs the curve registered once before it can build taproot outputs.
initEccLib(ecc);

export const bip32 = BIP32Factory(ecc);
export { ecc };
