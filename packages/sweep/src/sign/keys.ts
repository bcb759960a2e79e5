import { mnemonicToSeedSync, validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english";
import { type Address, bytesToHex, getAddress, type Hex } from "viem";
import { HDKey, type LocalAccount, privateKeyToAccount } from "viem/accounts";
import { SweepError } from "../errors.ts";

/** The deposit account (contract section 1) and the default sponsor path, outside it. */
export const DEPOSIT_ACCOUNT_PATH = "m/44'/60'/0'";
export const DEFAULT_SPONSOR_PATH = "m/44'/60'/1'/0/0";

/** Keys derived from the merchant's mnemonic, held in memory only for one signing run. */
export interface MerchantKeys {
  accountXpub: string;
  depositAccount(index: number): LocalAccount;
  accountAt(path: string): LocalAccount;
}

export function merchantKeys(mnemonic: string, passphrase = ""): MerchantKeys {
  const words = mnemonic.trim().split(/\s+/).join(" ");
  if (!validateMnemonic(words, wordlist)) {
    throw new SweepError(
      "mnemonic_invalid",
      "the mnemonic file does not hold a valid BIP39 English mnemonic",
    );
  }
  const master = HDKey.fromMasterSeed(mnemonicToSeedSync(words, passphrase));
  const account = master.derive(DEPOSIT_ACCOUNT_PATH);
  return {
    accountXpub: account.publicExtendedKey,
    depositAccount: (index) => accountOf(account.derive(`m/0/${index}`)),
    accountAt: (path) => accountOf(master.derive(path)),
  };
}

function accountOf(node: HDKey): LocalAccount {
  if (!node.privateKey) throw new TypeError("a public-only key cannot sign");
  return privateKeyToAccount(bytesToHex(node.privateKey));
}

export function keyFileAccount(privateKey: string): LocalAccount {
  const hex = (privateKey.startsWith("0x") ? privateKey : `0x${privateKey}`) as Hex;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) {
    throw new SweepError("key_invalid", "the sponsor key file does not hold a 32-byte hex private key");
  }
  return privateKeyToAccount(hex);
}

/** Extended keys name the same node when key and chain code agree; version bytes (xpub or tpub) do not count. */
export function sameAccountKey(a: string, b: string): boolean {
  const node = (key: string) => {
    for (const versions of [undefined, { private: 0x04358394, public: 0x043587cf }]) {
      try {
        const parsed = HDKey.fromExtendedKey(key, versions);
        return `${Buffer.from(parsed.publicKey!).toString("hex")}:${Buffer.from(parsed.chainCode!).toString("hex")}`;
      } catch {
        // try the next version set
      }
    }
    return undefined;
  };
  const left = node(a);
  return left !== undefined && left === node(b);
}

export const sameAddress = (a: string, b: string): boolean => getAddress(a) === getAddress(b as Address);
