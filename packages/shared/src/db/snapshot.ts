import type { Db } from "./connect.ts";

/**
 * Runs several reads against one snapshot of the database. An intent row, its payments and the chain cursor
 * read as separate statements could otherwise straddle a commit of the watcher and show a new payment beside
 * the old status (REPEATABLE READ gives every statement the transaction's first snapshot).
 */
export function readSnapshot<T>(db: Db, read: (snapshot: Db) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel("repeatable read").setAccessMode("read only").execute(read);
}
