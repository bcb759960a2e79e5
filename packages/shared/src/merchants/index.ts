export * from "./merchants.ts";
