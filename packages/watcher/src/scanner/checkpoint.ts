import type { Db } from "@paygate/shared";
import { sql } from "kysely";
import type { BlockRef } from "./common-ancestor.ts";

/**
 * The scanner's persistent state per chain: `chain_cursors.scanned_number` (the last block whose effects are
 * committed) and the recent block hashes in `chain_blocks` (the reorg window). The cursor only moves by
 * compare-and-set from the value the scanner read, so a concurrent `paygate rescan` or a second scanner that
 * lost its lock can never move it past blocks it did not see.
 */
export async function readScanned(db: Db, chain: string): Promise<bigint | undefined> {
  const row = await db
    .selectFrom("chain_cursors")
    .select("scanned_number")
    .where("chain", "=", chain)
    .executeTakeFirst();
  return row?.scanned_number;
}

/** Creates the cursor on first start; an existing one wins. */
export async function startCursor(db: Db, chain: string, scanned: bigint): Promise<bigint> {
  await db
    .insertInto("chain_cursors")
    .values({ chain, scanned_number: scanned })
    .onConflict((conflict) => conflict.column("chain").doNothing())
    .execute();
  return (await readScanned(db, chain))!;
}

export async function storedHash(db: Db, chain: string, number: bigint): Promise<string | undefined> {
  const row = await db
    .selectFrom("chain_blocks")
    .select("hash")
    .where("chain", "=", chain)
    .where("number", "=", number)
    .executeTakeFirst();
  return row?.hash;
}

export async function storedBlocks(db: Db, chain: string): Promise<BlockRef[]> {
  return db
    .selectFrom("chain_blocks")
    .select(["number", "hash"])
    .where("chain", "=", chain)
    .orderBy("number")
    .execute();
}

export interface CommittedBlock {
  number: bigint;
  hash: string;
  parentHash: string;
  timestamp: Date;
}

/**
 * After a range's effects are committed: remember its newest blocks, prune older than the window, and move the
 * cursor from `expected` to the range end, all in one transaction. False: the cursor moved meanwhile (rescan).
 */
export async function advanceCursor(
  db: Db,
  chain: string,
  expected: bigint,
  blocks: readonly CommittedBlock[],
  keep: number,
): Promise<boolean> {
  const to = blocks.at(-1)!.number;
  return db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable("chain_cursors")
      .set({ scanned_number: to, updated_at: sql`now()` })
      .where("chain", "=", chain)
      .where("scanned_number", "=", expected)
      .executeTakeFirst();
    if (moved.numUpdatedRows !== 1n) return false;
    const kept = blocks.slice(-keep);
    await trx
      .insertInto("chain_blocks")
      .values(
        kept.map((block) => ({
          chain,
          number: block.number,
          hash: block.hash,
          parent_hash: block.parentHash,
          timestamp: block.timestamp,
        })),
      )
      .onConflict((conflict) =>
        conflict.columns(["chain", "number"]).doUpdateSet((eb) => ({
          hash: eb.ref("excluded.hash"),
          parent_hash: eb.ref("excluded.parent_hash"),
          timestamp: eb.ref("excluded.timestamp"),
        })),
      )
      .execute();
    await trx
      .deleteFrom("chain_blocks")
      .where("chain", "=", chain)
      .where("number", "<=", to - BigInt(keep))
      .execute();
    return true;
  });
}

/** After a reorg: forget the orphaned blocks and move the cursor back to the common ancestor. */
export async function rewindCursor(
  db: Db,
  chain: string,
  expected: bigint,
  ancestor: bigint,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable("chain_cursors")
      .set({ scanned_number: ancestor, updated_at: sql`now()` })
      .where("chain", "=", chain)
      .where("scanned_number", "=", expected)
      .executeTakeFirst();
    if (moved.numUpdatedRows !== 1n) return false;
    await trx.deleteFrom("chain_blocks").where("chain", "=", chain).where("number", ">", ancestor).execute();
    return true;
  });
}

/** `paygate rescan`: scan again from `fromBlock`, whatever the cursor says. */
export async function resetCursor(db: Db, chain: string, fromBlock: bigint): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("chain_cursors")
      .values({ chain, scanned_number: fromBlock - 1n })
      .onConflict((conflict) =>
        conflict.column("chain").doUpdateSet({ scanned_number: fromBlock - 1n, updated_at: sql`now()` }),
      )
      .execute();
    // the block before `fromBlock` stays: the rescan's first block is still checked against it
    await trx
      .deleteFrom("chain_blocks")
      .where("chain", "=", chain)
      .where("number", ">=", fromBlock)
      .execute();
  });
}

export async function storeFinalized(db: Db, chain: string, finalized: bigint): Promise<boolean> {
  const result = await db
    .updateTable("chain_cursors")
    .set({ finalized_number: finalized, updated_at: sql`now()` })
    .where("chain", "=", chain)
    .where((eb) => eb.or([eb("finalized_number", "is", null), eb("finalized_number", "<>", finalized)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
