export * from "./event-body.ts";
