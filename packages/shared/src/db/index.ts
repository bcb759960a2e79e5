export * from "./connect.ts";
export * from "./migrate.ts";
export * from "./pagination.ts";
export type * from "./schema.ts";
export * from "./snapshot.ts";
