/**
 * Bitcoin regtest simulator: a chain model served over Bitcoin Core's JSON-RPC and Esplora's REST API, for
 * tests (there is no bitcoind here). `const sim = await startBitcoinSim()`, point a backend at `sim.rpc.url`
 * (basic auth `sim.rpc.user` / `sim.rpc.password`) or `sim.esplora.url`, then `send`, `mine`, `replace`,
 * `drop` and `reorg` while it watches. Everything is synchronous and in-process; `close()` stops both servers.
 *
 * Faithful:
 * - Blocks and transactions are real bitcoinjs-lib objects, serialised byte for byte: the regtest genesis block
 *   (0f9188f1…), txids and wtxids, merkle roots, BIP141 witness commitments, previous-block links, BIP34 heights
 *   in coinbases, regtest bits 0x207fffff with real proof of work (the target accepts about every other hash),
 *   subsidy halving every 150 blocks, chainwork, median time past, version 0x20000000.
 * - A UTXO set with undo data; coinbase maturity (100); spends are signed P2WPKH (BIP143, low-R) from the
 *   simulator's BIP84 wallet and verified by the node; payments go to P2PKH, P2SH(-P2WPKH), P2WPKH, P2WSH, P2TR.
 * - Mempool: fee ≥ 1 sat/vB, dust limits, finality, full RBF as in Core v28 (higher feerate, pays the replaced
 *   fees plus relay; descendants evicted), conflicts evicted when a block confirms a double spend; a reorg puts
 *   disconnected transactions back unless dropped or conflicted (MaybeUpdateMempoolForReorg). Stale blocks stay
 *   retrievable over RPC with confirmations -1; Esplora, like electrs, knows the best chain only.
 * - JSON-RPC as Core v28 serves it (src/httprpc.cpp): POST `/` with basic auth (401 + WWW-Authenticate otherwise),
 *   405 for other verbs, legacy 1.0 errors with HTTP 500 (404 for -32601, 400 for -32600), JSON-RPC 2.0 errors
 *   with HTTP 200 and 204 for notifications, batches always 200; argument count/type/hash errors with Core's
 *   codes and messages (-1 usage, -3 "Wrong type passed", -8, -5 "Block not found", "Block height out of
 *   range", "No such mempool transaction…"); amounts written with eight decimals (50.00000000).
 * - Esplora as electrs serves it (src/rest.rs): text, JSON and binary routes, 404 "Block not found" /
 *   "Transaction not found" / `endpoint does not exist "…"`, 400 "Invalid hex string" / "Invalid number",
 *   page sizes (25 chain, 50 mempool), rust-bitcoin script asm and esplora script type names.
 *
 * Simplified (documented where it matters):
 * - Only P2WPKH inputs are script-checked; other input types are accepted without interpreting their scripts.
 * - `getrawtransaction` behaves as a node without -txindex (mempool, or a given block hash) unless
 *   `txindex: true`; there is no wallet RPC (`gettransaction` etc.) and no P2P.
 * - No mempool size limits, expiry, package relay or ancestor limits; block templates take the mempool in
 *   arrival order; the sim's wallet puts change last and reuses one mining address.
 * - Wrong RPC passwords get 401 at once (Core waits 250 ms first); RPC usage text is the help's first lines.
 * - Esplora has no /scripthash routes, no `sigops`, no inner redeem/witness script asm; an unparseable address
 *   answers 400 with a generic message; the rate limit (`esplora.setRateLimit`) is a fixed window answering 429.
 * - `setDown(true)` stops listening (connection refused); `setDown(true, "unavailable")` answers 503 instead.
 */

export type { Coin, StoredBlock } from "./chain.ts";
export { blockSubsidy, REGTEST, REGTEST_BITS, REGTEST_GENESIS_HASH } from "./consensus.ts";
export type { OutageMode, ServerControl } from "./endpoint.ts";
export type { EsploraControl, RateLimit } from "./esplora-server.ts";
export type { MempoolEntry } from "./mempool.ts";
export {
  type BlockTemplateOptions,
  RegtestNode,
  RejectedTransactionError,
  type ReorgOptions,
} from "./node.ts";
export { coreScriptType, esploraScriptType, scriptAddress } from "./scripts.ts";
export {
  type BitcoinSim,
  type BitcoinSimOptions,
  type ConflictOptions,
  type Payment,
  type RpcControl,
  type SendOptions,
  startBitcoinSim,
} from "./sim.ts";
export { InsufficientFundsError, outputScriptFor, SimWallet } from "./wallet.ts";
