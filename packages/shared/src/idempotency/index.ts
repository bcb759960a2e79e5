export * from "./idempotency.ts";
