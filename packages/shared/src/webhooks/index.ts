export * from "./address-policy.ts";
export * from "./deliveries.ts";
export * from "./endpoints.ts";
export * from "./event-types.ts";
export * from "./events.ts";
export * from "./secrets.ts";
