export { deriveBitcoinAddress, deriveEvmAddress, deriveScriptPubKey } from "./derive.ts";
export {
  type BitcoinScriptType,
  parseWalletKey,
  type WalletFamily,
  type WalletKey,
  type WalletScriptType,
} from "./extended-key.ts";
