export * from "./intent-metrics.ts";
export * from "./ops-server.ts";
export * from "./process-metrics.ts";
