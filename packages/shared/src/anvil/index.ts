export * from "./anvil-binary.ts";
export * from "./dev-accounts.ts";
