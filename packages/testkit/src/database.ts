import { randomBytes } from "node:crypto";
import { connectDatabase, type Db, migrateToLatest } from "@paygate/shared";
import pg from "pg";

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/** The server tests create their databases on; CI and the dev machine have a trusting local PostgreSQL. */
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A freshly created and migrated database of its own for one test file; `drop()` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `paygate_test_${randomBytes(6).toString("hex")}`;
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = connectDatabase(url.toString(), { max: 20, applicationName: "paygate-test" });
  await migrateToLatest(db);
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.destroy();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
