export * from "./api-harness.ts";
export * from "./checkout-fixture.ts";
