export * from "./chain.ts";
export * from "./chain-file.ts";
export * from "./confirmations.ts";
export * from "./presets.ts";
