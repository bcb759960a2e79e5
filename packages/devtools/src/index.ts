/**
 * @paygate/devtools: what `paygate dev`, `paygate demo` and `paygate pay` need and production never does (Anvil,
 * a demo merchant and receiver, the Bitcoin simulator). The CLI loads it with a dynamic import; the production
 * image does not install it.
 */
export { ANVIL_CHAIN_ID, type DevAnvil, PortInUseError, startDevAnvil } from "./anvil/dev-anvil.ts";
export { type DevChain, devChain, InsufficientTokenBalanceError } from "./anvil/dev-chain.ts";
export { ApiRequestError, apiClient } from "./api/api-client.ts";
export { BackingServiceError, ensureDatabase, ensureRedis } from "./backing/backing-services.ts";
export {
  DEV_BITCOIN_CHAIN,
  type DevBitcoin,
  payFromSimulator,
  SimulatorPaymentError,
  startDevBitcoin,
} from "./bitcoin/dev-bitcoin.ts";
export { type DemoOptions, runDemo } from "./demo/run-demo.ts";
export {
  DEMO_BITCOIN_VPUB,
  type DemoMerchant,
  forgetDevChain,
  seedDemoMerchant,
} from "./merchant/demo-merchant.ts";
export { NotADevChainError, type PayRequest, payIntent, type SentPayment } from "./pay/pay-intent.ts";
export { InvalidPayAmountError, NothingDueError } from "./pay/payment-amount.ts";
export { type ReceivedWebhook, startDemoReceiver } from "./receiver/demo-receiver.ts";
export { devBanner } from "./session/banner.ts";
export {
  type DevSession,
  devSessionPath,
  readDevSession,
  removeDevSession,
  writeDevSession,
} from "./session/dev-session.ts";
