export { createChainSource, type SourceOptions, UnsupportedChainError } from "./chains/create-source.ts";
export { countRequests, rpcTransport } from "./chains/evm/transport.ts";
export type { AddressFilter, BlockHeader, ChainSource, ScannedBlock, Transfer } from "./chains/source.ts";
export { watcherRegistry } from "./metrics/watcher-collectors.ts";
export { type ChainMetrics, headLag, type WatcherMetrics } from "./metrics/watcher-metrics.ts";
export { type RescanResult, rescanChain } from "./rescan.ts";
export { DeepReorgError } from "./scanner/chain-scanner.ts";
export { startWatcher, type Watcher, type WatcherOptions, watcherDefaults } from "./watcher.ts";
