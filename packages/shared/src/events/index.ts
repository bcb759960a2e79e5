export * from "./event-body.ts";
export * from "./event-schema.ts";
