import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { authenticateApiKey, createEndpoint, createMerchant, listDeliveries, newId } from "@paygate/shared";
import { ANVIL_ACCOUNT_XPUB, createTestDatabase, type TestDatabase } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The operator commands of contract section 5, run as a real child process against a real database. */
const bin = fileURLToPath(new URL("../packages/cli/bin/paygate.mjs", import.meta.url));
let database: TestDatabase;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function paygate(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH, DATABASE_URL: database.url, LOG_LEVEL: "silent" }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const ANVIL_XPRV =
  "xprv9yeny6n2dNUokQFykGoZU6BDLeKbEBUoBeCFe2VF6MXdrHrprMYRc4tddncDRxrJCy7GtPDk68zRcgWtGFveqdCV5NyhZwVgMoZVbTm78vx";
/** BIP84 m/84'/0'/0' of "abandon ... about" (mainnet, P2WPKH). */
const BIP84_ZPUB =
  "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
const VPUB =
  "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(() => database?.drop());

describe("paygate operator commands", () => {
  let merchantId: string;

  it("merchants create prints the id and a working API key", async () => {
    const run = await paygate(
      "merchants",
      "create",
      "--name",
      "Corner shop",
      "--tolerance-bps",
      "25",
      "--json",
    );
    expect(run.code, run.stderr).toBe(0);
    const created = JSON.parse(run.stdout);
    expect(created).toMatchObject({
      name: "Corner shop",
      underpayment_tolerance_bps: 25,
      monitoring_window_s: 86_400,
    });
    expect(created.id).toMatch(/^mer_/);
    expect(created.api_key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    merchantId = created.id;
    expect(await authenticateApiKey(database.db, created.api_key)).toMatchObject({ merchantId });

    const human = await paygate("merchants", "create", "--name", "Second");
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/api_key\s+sk_/);
    expect(human.stderr).toContain("not shown again");
  });

  it("merchants create refuses bad settings with a clear message", async () => {
    const run = await paygate("merchants", "create", "--name", "Bad", "--tolerance-bps", "10000");
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("underpaymentToleranceBps must be an integer from 0 to 9999");
    const notNumber = await paygate("merchants", "create", "--name", "Bad", "--monitoring-window", "1.5");
    expect(notNumber.code).not.toBe(0);
    expect(notNumber.stderr).toContain("expected a whole number");
  });

  it("merchants list shows them, newest first", async () => {
    const run = await paygate("merchants", "list", "--json");
    const merchants = JSON.parse(run.stdout) as { name: string }[];
    expect(merchants.map((merchant) => merchant.name)).toEqual(["Second", "Corner shop"]);
    expect(run.stdout).not.toContain("sk_");
  });

  it("keys create and revoke", async () => {
    const created = JSON.parse((await paygate("keys", "create", "--merchant", merchantId, "--json")).stdout);
    expect(created.api_key).toMatch(/^sk_/);
    expect(created.last4).toBe(created.api_key.slice(-4));
    const revoked = await paygate("keys", "revoke", created.id, "--json");
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout).revoked_at).not.toBeNull();
    await expect(authenticateApiKey(database.db, created.api_key)).rejects.toMatchObject({
      code: "api_key_revoked",
    });
    const listed = JSON.parse((await paygate("keys", "list", "--merchant", merchantId, "--json")).stdout);
    expect(listed).toHaveLength(2);
    const unknown = await paygate("keys", "create", "--merchant", "mer_nope");
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("No such merchant");
  });

  it("wallets set takes an xpub and shows the first address it will hand out, with the gap-limit warning", async () => {
    const run = await paygate(
      "wallets",
      "set",
      "--merchant",
      merchantId,
      "--family",
      "evm",
      "--xpub",
      ANVIL_ACCOUNT_XPUB,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/next_address\s+0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266/);
    expect(run.stderr).toContain("gap limit");

    const bitcoin = await paygate(
      "wallets",
      "set",
      "--merchant",
      merchantId,
      "--family",
      "bitcoin",
      "--xpub",
      VPUB,
      "--json",
    );
    expect(bitcoin.code, bitcoin.stderr).toBe(0);
    expect(JSON.parse(bitcoin.stdout)).toMatchObject({
      family: "bitcoin",
      network: "testnet",
      script_type: "p2wpkh",
      next_index: 0,
      next_address: "tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl",
    });
  });

  it("wallets set echoes the key as given (a zpub stays a zpub, a vpub a vpub), the stored form beside it", async () => {
    for (const [key, stored] of [
      [BIP84_ZPUB, /^xpub/],
      [VPUB, /^tpub/],
    ] as const) {
      const run = await paygate(
        "wallets",
        "set",
        "--merchant",
        merchantId,
        "--family",
        "bitcoin",
        "--xpub",
        key,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^xpub\\s+${key}$`, "m"));
      expect(run.stdout).toMatch(/^xpub_as_stored\s+[xt]pub\S+$/m);
      const json = await paygate(
        "wallets",
        "set",
        "--merchant",
        merchantId,
        "--family",
        "bitcoin",
        "--xpub",
        key,
        "--json",
      );
      expect(JSON.parse(json.stdout)).toMatchObject({
        xpub: key,
        xpub_as_stored: expect.stringMatching(stored),
      });
    }
    // a key already in its stored form is shown once
    const evm = await paygate(
      "wallets",
      "set",
      "--merchant",
      merchantId,
      "--family",
      "evm",
      "--xpub",
      ANVIL_ACCOUNT_XPUB,
      "--json",
    );
    expect(JSON.parse(evm.stdout)).toMatchObject({ xpub: ANVIL_ACCOUNT_XPUB });
    expect(JSON.parse(evm.stdout)).not.toHaveProperty("xpub_as_stored");
  });

  it("wallets set refuses private and malformed keys with a clear message, writing nothing", async () => {
    const before = await database.db.selectFrom("wallets").select("id").execute();
    const privateKey = await paygate(
      "wallets",
      "set",
      "--merchant",
      merchantId,
      "--family",
      "evm",
      "--xpub",
      ANVIL_XPRV,
    );
    expect(privateKey.code).not.toBe(0);
    expect(privateKey.stderr).toContain("private key");
    expect(privateKey.stderr).not.toContain(ANVIL_XPRV);
    const typo = await paygate(
      "wallets",
      "set",
      "--merchant",
      merchantId,
      "--family",
      "evm",
      "--xpub",
      `${ANVIL_ACCOUNT_XPUB.slice(0, -1)}Q`,
    );
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain("Not an extended public key");
    const family = await paygate(
      "wallets",
      "set",
      "--merchant",
      merchantId,
      "--family",
      "solana",
      "--xpub",
      ANVIL_ACCOUNT_XPUB,
    );
    expect(family.code).not.toBe(0);
    expect(family.stderr).toContain("Allowed choices are evm, bitcoin");
    expect(await database.db.selectFrom("wallets").select("id").execute()).toEqual(before);
  });

  it("deliveries list --failed shows dead letters and deliveries still retrying, saying which is which", async () => {
    const { db } = database;
    const shop = await createMerchant(db, { name: "Outage shop" });
    const endpoint = await createEndpoint(
      db,
      shop.id,
      { url: "http://127.0.0.1:9/hook" },
      { env: "development", allowedCidrs: [] },
    );
    const nextTry = new Date(Date.now() + 3_600_000);
    const rows = {
      queued: { status: "pending", attempt_count: 0, next_attempt_at: new Date() },
      retrying: { status: "pending", attempt_count: 4, next_attempt_at: nextTry },
      dead: { status: "failed", attempt_count: 10, next_attempt_at: null },
      done: { status: "succeeded", attempt_count: 1, next_attempt_at: null },
    } as const;
    const ids: Record<string, string> = {};
    for (const [name, row] of Object.entries(rows)) {
      const eventId = newId("evt");
      await db
        .insertInto("events")
        .values({
          id: eventId,
          merchant_id: shop.id,
          type: "payment.confirmed",
          dedupe_key: eventId,
          body: "{}",
        })
        .execute();
      ids[name] = newId("dlv");
      await db
        .insertInto("deliveries")
        .values({ id: ids[name]!, event_id: eventId, endpoint_id: endpoint.id, ...row })
        .execute();
    }

    const failing = await paygate("deliveries", "list", "--failed", "--merchant", shop.id, "--json");
    expect(failing.code, failing.stderr).toBe(0);
    const listed = JSON.parse(failing.stdout) as {
      id: string;
      state: string;
      next_attempt_at: string | null;
    }[];
    expect(listed.map(({ id, state }) => [id, state]).sort()).toEqual(
      [
        [ids.retrying, "retrying"],
        [ids.dead, "dead_letter"],
      ].sort(),
    );
    expect(listed.find(({ id }) => id === ids.retrying)!.next_attempt_at).toBe(nextTry.toISOString());

    const human = await paygate("deliveries", "list", "--failed", "--merchant", shop.id);
    expect(human.stdout).toMatch(/\bstate\b.*\bnext_attempt_at\b/);
    expect(human.stdout).toContain("retrying");
    expect(human.stdout).toContain("dead_letter");

    // without --failed: every delivery, whatever its state
    const all = await listDeliveries(db, { merchantId: shop.id, limit: 10 });
    expect(all.map((row) => row.state).sort()).toEqual(["dead_letter", "queued", "retrying", "succeeded"]);
  });
});
