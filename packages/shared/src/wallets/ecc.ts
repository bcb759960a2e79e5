import { BIP32Factory } from "bip32";
import { initEccLib } from "bitcoinjs-lib";
// The WebAssembly build of libsecp256k1 that bip32 and bitcoinjs-lib are tested against: every new intent derives
// one child key, and this curve does it several times faster than a pure-JS one (bench/README.md has the figure).
import * as ecc from "tiny-secp256k1";

// bitcoinjs-lib needs the curve registered once before it can build taproot outputs.
initEccLib(ecc);

export const bip32 = BIP32Factory(ecc);
export { ecc };
