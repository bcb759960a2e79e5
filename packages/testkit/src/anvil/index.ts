export * from "./anvil-binary.ts";
export * from "./anvil-node.ts";
export * from "./dev-accounts.ts";
export * from "./test-anvil.ts";
