export { deriveBitcoinAddress, deriveEvmAddress, deriveScriptPubKey } from "./derive.ts";
export {
  DESCRIPTOR_GAP,
  descriptorChecksum,
  hasValidChecksum,
  type ReceiveDescriptor,
  receiveDescriptor,
  withChecksum,
} from "./descriptor.ts";
export {
  type BitcoinScriptType,
  parseWalletKey,
  type WalletFamily,
  type WalletKey,
  type WalletScriptType,
} from "./extended-key.ts";
