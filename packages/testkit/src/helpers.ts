// Everything but the vitest fixtures: for the benchmarks, the soak and the dev tools, which run outside vitest
// (declaring a fixture needs a running test suite).
export * from "./anvil/index.ts";
export * from "./api/index.ts";
export * from "./contracts.ts";
export * from "./database.ts";
export * from "./intent-fixtures.ts";
export * from "./outbox-event.ts";
export * from "./ports.ts";
export * from "./receiver.ts";
export * from "./redis-prefix.ts";
export * from "./stack/anvil-stack.ts";
export * from "./stack/gateway.ts";
export * from "./until.ts";
export * from "./wallets/test-keys.ts";
