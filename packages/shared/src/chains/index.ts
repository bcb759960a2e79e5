export * from "./chain.ts";
export * from "./chain-file.ts";
export * from "./presets.ts";
export * from "./confirmations.ts";
