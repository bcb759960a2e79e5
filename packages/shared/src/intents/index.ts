export * from "./present.ts";
export * from "./reconcile.ts";
export * from "./state-machine.ts";
