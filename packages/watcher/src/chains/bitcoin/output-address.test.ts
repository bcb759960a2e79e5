import { address, networks, payments } from "bitcoinjs-lib";
import { describe, expect, it } from "vitest";
import { outputAddress } from "./output-address.ts";

const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const hash20 = hex("c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2");
const key32 = hex("a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c");

describe("outputAddress", () => {
  // BIP84/BIP86 test vectors (abandon ... about, account 0, 0/0) and their mainnet addresses
  it.each([
    ["P2WPKH", "0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2", "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"],
    [
      "P2TR",
      "5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c",
      "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr",
    ],
  ])("reads the %s test vector", (_name, script, expected) => {
    expect(outputAddress(hex(script), networks.bitcoin)).toBe(expected);
  });

  it.each([
    ["P2PKH", payments.p2pkh({ hash: hash20 }).output!],
    ["P2SH", payments.p2sh({ hash: hash20 }).output!],
    ["P2WPKH", payments.p2wpkh({ hash: hash20 }).output!],
    ["P2WSH", payments.p2wsh({ hash: key32 }).output!],
  ])("encodes %s as bitcoinjs-lib does on every network", (_name, script) => {
    for (const network of [networks.bitcoin, networks.testnet, networks.regtest]) {
      expect(outputAddress(script, network)).toBe(address.fromOutputScript(script, network));
    }
  });

  it("encodes P2TR with the network's bech32m prefix", () => {
    const script = hex(`5120${Buffer.from(key32).toString("hex")}`);
    expect(outputAddress(script, networks.testnet)).toMatch(/^tb1p/);
    expect(outputAddress(script, networks.regtest)).toMatch(/^bcrt1p/);
  });

  it.each([
    ["OP_RETURN", "6a0568656c6c6f"],
    ["empty", ""],
    ["bare multisig", `5121${"02".padEnd(66, "1")}51ae`],
    ["witness v2", `5220${"11".repeat(32)}`],
    ["P2PKH with a wrong length", "76a91300112233445566778899aabbccddeeff00112288ac"],
    ["P2WPKH push of the wrong size", `0015${"11".repeat(21)}`],
  ])("ignores %s", (_name, script) => {
    expect(outputAddress(hex(script), networks.bitcoin)).toBeUndefined();
  });
});
