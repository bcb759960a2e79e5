import { createMerchant, type Db, setWallet } from "@paygate/shared";
import { ANVIL_ACCOUNT_XPUB, createTestDatabase, type TestDatabase } from "@paygate/testkit";
import type { KyselyPlugin } from "kysely";
import { encodeTime } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { watchedAddresses } from "./watched-addresses.ts";

let database: TestDatabase;
let db: Db;
let merchantId: string;
let walletId: string;
let nextIndex = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  merchantId = (await createMerchant(db, { name: "shop" })).id;
  walletId = (await setWallet(db, { merchantId, family: "evm", xpub: ANVIL_ACCOUNT_XPUB })).id;
});

afterAll(async () => {
  await database?.drop();
});

/** An intent row as the API writes it; `createdMs` picks the time part of its ULID id. */
async function insertIntent(chain: string, address: string, createdMs = Date.now()): Promise<void> {
  const index = nextIndex++;
  const now = new Date();
  await db
    .insertInto("payment_intents")
    .values({
      id: `pi_${encodeTime(createdMs)}${String(index).padStart(16, "0")}`,
      merchant_id: merchantId,
      status: "awaiting_payment",
      chain,
      asset: "ETH",
      address,
      wallet_id: walletId,
      derivation_index: index,
      amount_due: 1n,
      required_confirmations: 2,
      underpayment_tolerance_bps: 0,
      price_amount: "1",
      price_currency: "ETH",
      quote_rate: "1",
      quote_source: "none",
      quoted_at: now,
      metadata: "{}",
      expires_at: now,
      monitoring_ends_at: now,
    })
    .execute();
}

const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}`.replace("0xa", "0xA");

describe("watchedAddresses", () => {
  it("loads the chain's addresses, then only what was created since, including late commits", async () => {
    await insertIntent("anvil", address(0xa1));
    await insertIntent("base", address(0xa2));
    const watched = watchedAddresses(db, "anvil", (key) => key.toLowerCase());
    await watched.refresh();
    expect(watched.size).toBe(1);
    expect(watched.has(address(0xa1).toLowerCase())).toBe(true);
    expect(watched.has(address(0xa2).toLowerCase())).toBe(false);

    await insertIntent("anvil", address(0xa3));
    // an id taken 10 s ago by a transaction that commits only now
    await insertIntent("anvil", address(0xa4), Date.now() - 10_000);
    await watched.refresh();
    expect(watched.size).toBe(3);
    expect(watched.has(address(0xa3).toLowerCase())).toBe(true);
    expect(watched.has(address(0xa4).toLowerCase())).toBe(true);
  });

  it("without late commits reads only the new ids, not the margin; a late commit below several newer ones is found", async () => {
    const base = Date.now();
    for (let n = 0; n < 5; n++) await insertIntent("polygon", address(0xb00 + n), base - 5_000 + n * 1_000);
    let rowsRead = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        rowsRead += args.result.rows.length;
        return args.result;
      },
    };
    const watched = watchedAddresses(db.withPlugin(counting), "polygon", (key) => key.toLowerCase());
    await watched.refresh();
    expect(watched.size).toBe(5);

    rowsRead = 0;
    await watched.refresh();
    expect(rowsRead).toBe(1); // the margin's count, no intent row
    await insertIntent("polygon", address(0xb10), base + 1_000);
    rowsRead = 0;
    await watched.refresh();
    expect(rowsRead).toBe(2); // the new intent and the count
    expect(watched.has(address(0xb10).toLowerCase())).toBe(true);

    // another chain's intents in the same id range change nothing
    await insertIntent("anvil", address(0xb20), base - 2_500);
    rowsRead = 0;
    await watched.refresh();
    expect(rowsRead).toBe(1);
    expect(watched.has(address(0xb20).toLowerCase())).toBe(false);

    // an id taken 3.5 s before the newest, committed only now
    await insertIntent("polygon", address(0xb30), base - 2_500);
    await watched.refresh();
    expect(watched.size).toBe(7);
    expect(watched.has(address(0xb30).toLowerCase())).toBe(true);
    rowsRead = 0;
    await watched.refresh();
    expect(rowsRead).toBe(1);
  });
});
