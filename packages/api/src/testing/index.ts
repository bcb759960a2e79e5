export * from "./api-harness.ts";
