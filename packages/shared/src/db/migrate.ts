import { type Migration, Migrator } from "kysely/migration";
import type { Db } from "./connect.ts";
import * as initial from "./migrations/0001_initial.ts";
import * as sweeps from "./migrations/0002_sweeps.ts";
import * as listOrder from "./migrations/0003_list_order.ts";

/** Ordered, forward-only migrations, listed explicitly so they run the same from source and from a bundle. */
const migrations: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_sweeps": sweeps,
  "0003_list_order": listOrder,
};

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? [])
    .filter((result) => result.status === "Success")
    .map((result) => result.migrationName);
}
