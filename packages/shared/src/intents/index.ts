export * from "./intent-schema.ts";
export * from "./present.ts";
export * from "./reconcile.ts";
export * from "./state-machine.ts";
