import { ABANDON_MNEMONIC, ANVIL_ACCOUNT_XPUB, ANVIL_MNEMONIC, accountXpub, nodeAt } from "@paygate/testkit";
import { address as btcAddress, networks, payments } from "bitcoinjs-lib";
import fc from "fast-check";
import { bytesToHex, getAddress } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { InvalidExtendedKeyError } from "../errors.ts";
import { deriveBitcoinAddress, deriveEvmAddress, deriveScriptPubKey } from "./derive.ts";
import { parseWalletKey } from "./extended-key.ts";

const BIP44_XPUB =
  "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx39T9nMdj";
const BIP49_YPUB =
  "ypub6Ww3ibxVfGzLrAH1PNcjyAWenMTbbAosGNB6VvmSEgytSER9azLDWCxoJwW7Ke7icmizBMXrzBx9979FfaHxHcrArf3zbeJJJUZPf663zsP";
const BIP84_ZPUB =
  "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
const BIP86_XPUB =
  "xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ";
const BIP84_VPUB =
  "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";

const ANVIL_ACCOUNTS = [
  "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
];

const evmKey = parseWalletKey(ANVIL_ACCOUNT_XPUB, "evm");
const bip44 = parseWalletKey(BIP44_XPUB, "bitcoin");
const bip49 = parseWalletKey(BIP49_YPUB, "bitcoin");
const bip84 = parseWalletKey(BIP84_ZPUB, "bitcoin");
const bip86 = parseWalletKey(BIP86_XPUB, "bitcoin", "p2tr");
const vpub = parseWalletKey(BIP84_VPUB, "bitcoin");
const hex = (bytes: Uint8Array) => bytesToHex(bytes).slice(2);

describe("deriveEvmAddress", () => {
  it("gives Anvil's prefunded accounts for the Anvil account xpub, EIP-55 checksummed", () => {
    ANVIL_ACCOUNTS.forEach((account, index) => {
      const address = deriveEvmAddress(evmKey, index);
      expect(address).toBe(account);
      expect(getAddress(address)).toBe(address);
    });
  });

  it("matches the key derived from the mnemonic in the test", () => {
    const key = parseWalletKey(accountXpub(ANVIL_MNEMONIC, "m/44'/60'/0'"), "evm");
    expect(deriveEvmAddress(key, 0)).toBe("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    expect(deriveEvmAddress(key, 1)).toBe("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
  });

  it("agrees with viem's own HD accounts (m/44'/60'/0'/0/i) for any index", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (index) => {
        const expected = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index }).address;
        expect(deriveEvmAddress(evmKey, index)).toBe(expected);
      }),
      { numRuns: 10 },
    );
  });
});

describe("deriveBitcoinAddress: BIP test vectors (abandon … about, receive chain)", () => {
  it.each([
    ["BIP44 P2PKH", bip44, 0, "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"],
    ["BIP49 P2SH-P2WPKH", bip49, 0, "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf"],
    ["BIP84 P2WPKH", bip84, 0, "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"],
    ["BIP84 P2WPKH", bip84, 1, "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g"],
    ["BIP86 P2TR", bip86, 0, "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"],
    ["BIP86 P2TR", bip86, 1, "bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh"],
  ] as const)("%s index %i is %s", (_name, key, index, expected) => {
    expect(deriveBitcoinAddress(key, index, "bitcoin")).toBe(expected);
  });

  it("derives from the normalised xpub exactly what the seed derives (P2WPKH, random indexes)", () => {
    const account = nodeAt(ABANDON_MNEMONIC, "m/84'/0'/0'");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (index) => {
        const pubkey = account.derive(0).derive(index).publicKey;
        expect(deriveBitcoinAddress(bip84, index, "bitcoin")).toBe(payments.p2wpkh({ pubkey }).address);
      }),
      { numRuns: 10 },
    );
  });
});

describe("deriveBitcoinAddress: testnets and regtest", () => {
  it("encodes the BIP84 testnet account as tb1q on testnet and bcrt1q on regtest", () => {
    expect(deriveBitcoinAddress(vpub, 0, "testnet")).toBe("tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl");
    expect(deriveBitcoinAddress(vpub, 0, "regtest")).toBe("bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk");
    expect(deriveBitcoinAddress(vpub, 1, "regtest")).toBe("bcrt1qd7spv5q28348xl4myc8zmh983w5jx32cs707jh");
    expect(deriveBitcoinAddress(vpub, 2, "regtest")).toBe("bcrt1qxdyjf6h5d6qxap4n2dap97q4j5ps6ua8jkxz0z");
  });

  it("gives the same addresses for a vpub derived from the mnemonic in the test", () => {
    const key = parseWalletKey(accountXpub(ABANDON_MNEMONIC, "m/84'/1'/0'", "testnet"), "bitcoin", "p2wpkh");
    expect(deriveBitcoinAddress(key, 0, "testnet")).toMatch(/^tb1q/);
    expect(deriveBitcoinAddress(key, 0, "regtest")).toMatch(/^bcrt1q/);
    expect(deriveBitcoinAddress(key, 0, "testnet")).toBe(deriveBitcoinAddress(vpub, 0, "testnet"));
  });

  it.each([
    ["p2pkh", "m/44'/1'/0'", /^[mn]/, /^[mn]/],
    ["p2sh-p2wpkh", "m/49'/1'/0'", /^2/, /^2/],
    ["p2wpkh", "m/84'/1'/0'", /^tb1q/, /^bcrt1q/],
    ["p2tr", "m/86'/1'/0'", /^tb1p/, /^bcrt1p/],
  ] as const)("encodes %s testnet keys with testnet prefixes", (scriptType, path, testnet, regtest) => {
    const key = parseWalletKey(accountXpub(ABANDON_MNEMONIC, path, "testnet"), "bitcoin", scriptType);
    expect(deriveBitcoinAddress(key, 0, "testnet")).toMatch(testnet);
    expect(deriveBitcoinAddress(key, 0, "regtest")).toMatch(regtest);
  });

  it.each([
    ["a mainnet key on testnet", bip84, "testnet"],
    ["a mainnet key on regtest", bip84, "regtest"],
    ["a testnet key on mainnet", vpub, "bitcoin"],
  ] as const)("refuses %s with wallet_network_mismatch", (_name, key, network) => {
    try {
      deriveBitcoinAddress(key, 0, network);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidExtendedKeyError);
      expect((error as InvalidExtendedKeyError).code).toBe("wallet_network_mismatch");
    }
  });
});

describe("deriveScriptPubKey", () => {
  it.each([
    ["BIP84", bip84, "0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2"],
    ["BIP86", bip86, "5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c"],
  ] as const)("%s index 0 has the test vector's scriptPubKey", (_name, key, expected) => {
    expect(hex(deriveScriptPubKey(key, 0))).toBe(expected);
  });

  it.each([
    ["p2pkh", bip44, networks.bitcoin, "bitcoin"],
    ["p2sh-p2wpkh", bip49, networks.bitcoin, "bitcoin"],
    ["p2wpkh", bip84, networks.bitcoin, "bitcoin"],
    ["p2tr", bip86, networks.bitcoin, "bitcoin"],
    ["p2wpkh on regtest", vpub, networks.regtest, "regtest"],
  ] as const)("is the output script of the derived %s address", (_name, key, network, name) => {
    for (const index of [0, 1, 7, 2 ** 31 - 1]) {
      const address = deriveBitcoinAddress(key, index, name);
      expect(hex(deriveScriptPubKey(key, index))).toBe(hex(btcAddress.toOutputScript(address, network)));
    }
  });

  it("refuses an EVM key", () => {
    expect(() => deriveScriptPubKey(evmKey, 0)).toThrow(TypeError);
  });
});

describe("index and family checks", () => {
  it.each([-1, 2 ** 31, 2 ** 32, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects index %s", (index) => {
    expect(() => deriveEvmAddress(evmKey, index)).toThrow(RangeError);
    expect(() => deriveBitcoinAddress(bip84, index, "bitcoin")).toThrow(RangeError);
    expect(() => deriveScriptPubKey(bip84, index)).toThrow(RangeError);
  });

  it("accepts the largest non-hardened index", () => {
    expect(deriveEvmAddress(evmKey, 2 ** 31 - 1)).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(deriveBitcoinAddress(bip84, 2 ** 31 - 1, "bitcoin")).toMatch(/^bc1q/);
  });

  it("refuses to mix families", () => {
    expect(() => deriveEvmAddress(bip84, 0)).toThrow(TypeError);
    expect(() => deriveBitcoinAddress(evmKey, 0, "bitcoin")).toThrow(TypeError);
  });
});
