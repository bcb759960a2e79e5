export * from "./anvil.ts";
export * from "./contracts.ts";
export * from "./database.ts";
export * from "./intent-fixtures.ts";
export * from "./ports.ts";
export * from "./receiver.ts";
export * from "./until.ts";
