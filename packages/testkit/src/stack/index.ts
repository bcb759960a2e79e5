export * from "./anvil-stack.ts";
export * from "./fixtures.ts";
export * from "./gateway.ts";
