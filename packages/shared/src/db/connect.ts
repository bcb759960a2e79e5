import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema.ts";

/**
 * int8 and numeric parse to bigint: block numbers and base-unit amounts never pass through a JS number.
 * Scoped to our pools (not pg's global parsers) so nothing else in the process changes meaning.
 */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => BigInt(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export type Db = Kysely<Database>;

export function createPool(databaseUrl: string, options: { max?: number; applicationName?: string } = {}) {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "paygate",
    types,
  });
  // An idle client whose connection dies (server restart, admin termination, or a database dropped while the
  // pool is closing) is an 'error' event; unhandled it would crash the process. pg-pool has already discarded
  // that client and the next query connects afresh; errors of queries in flight reach their callers.
  pool.on("error", () => {});
  return pool;
}

export function connectDatabase(
  databaseUrl: string,
  options: { max?: number; applicationName?: string } = {},
): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(databaseUrl, options) }) });
}
