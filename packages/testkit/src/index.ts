export * from "./helpers.ts";
export * from "./stack/fixtures.ts";
