export * from "./wallet-registry.ts";
