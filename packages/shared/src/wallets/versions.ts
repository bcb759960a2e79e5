/**
 * Version bytes of serialized BIP32 keys (BIP32 and SLIP-132). The prefix names the network and, for ypub/zpub
 * and their testnet twins, the script type the wallet uses; xpub/tpub say nothing about it (P2PKH by default).
 */
export type KeyNetwork = "mainnet" | "testnet";
export type SingleSigScriptType = "p2pkh" | "p2sh-p2wpkh" | "p2wpkh";

export interface KeyVersion {
  prefix: string;
  network: KeyNetwork;
  /** undefined for the multisig prefixes (Ypub, Zpub, …): a deposit address needs all cosigners' keys. */
  scriptType: SingleSigScriptType | undefined;
  private: boolean;
}

/** The standard BIP32 public versions every key is re-encoded to once its script type is known. */
export const STANDARD_PUBLIC_VERSION: Record<KeyNetwork, number> = {
  mainnet: 0x0488b21e,
  testnet: 0x043587cf,
};

const entry = (
  prefix: string,
  network: KeyNetwork,
  scriptType: SingleSigScriptType | undefined,
  isPrivate: boolean,
): KeyVersion => ({ prefix, network, scriptType, private: isPrivate });

export const KEY_VERSIONS: ReadonlyMap<number, KeyVersion> = new Map([
  [0x0488b21e, entry("xpub", "mainnet", "p2pkh", false)],
  [0x0488ade4, entry("xprv", "mainnet", "p2pkh", true)],
  [0x049d7cb2, entry("ypub", "mainnet", "p2sh-p2wpkh", false)],
  [0x049d7878, entry("yprv", "mainnet", "p2sh-p2wpkh", true)],
  [0x04b24746, entry("zpub", "mainnet", "p2wpkh", false)],
  [0x04b2430c, entry("zprv", "mainnet", "p2wpkh", true)],
  [0x0295b43f, entry("Ypub", "mainnet", undefined, false)],
  [0x0295b005, entry("Yprv", "mainnet", undefined, true)],
  [0x02aa7ed3, entry("Zpub", "mainnet", undefined, false)],
  [0x02aa7a99, entry("Zprv", "mainnet", undefined, true)],
  [0x043587cf, entry("tpub", "testnet", "p2pkh", false)],
  [0x04358394, entry("tprv", "testnet", "p2pkh", true)],
  [0x044a5262, entry("upub", "testnet", "p2sh-p2wpkh", false)],
  [0x044a4e28, entry("uprv", "testnet", "p2sh-p2wpkh", true)],
  [0x045f1cf6, entry("vpub", "testnet", "p2wpkh", false)],
  [0x045f18bc, entry("vprv", "testnet", "p2wpkh", true)],
  [0x024289ef, entry("Upub", "testnet", undefined, false)],
  [0x024285b5, entry("Uprv", "testnet", undefined, true)],
  [0x02575483, entry("Vpub", "testnet", undefined, false)],
  [0x02575048, entry("Vprv", "testnet", undefined, true)],
]);
