import { createTestDatabase, type TestDatabase } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/connect.ts";
import { createMerchant } from "../merchants/index.ts";
import { authenticateApiKey, createApiKey, hashApiKey, listApiKeys, revokeApiKey } from "./api-keys.ts";

let database: TestDatabase;
let db: Db;
let merchantId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  merchantId = (await createMerchant(db, { name: "Keys" })).id;
});

afterAll(() => database?.drop());

describe("API keys", () => {
  it("are sk_ + 32 random bytes, stored only as their SHA-256", async () => {
    const created = await createApiKey(db, merchantId);
    expect(created.key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(created.key.slice(3), "base64url")).toHaveLength(32);
    const row = await db
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash.equals(hashApiKey(created.key))).toBe(true);
    expect(JSON.stringify(row)).not.toContain(created.key.slice(3));
    expect((await listApiKeys(db, merchantId)).map((key) => key.id)).toContain(created.id);
  });

  it("authenticate to their merchant, then stop at once when revoked", async () => {
    const created = await createApiKey(db, merchantId);
    expect(await authenticateApiKey(db, created.key)).toEqual({ keyId: created.id, merchantId });
    const revoked = await revokeApiKey(db, created.id);
    expect(revoked.revoked_at).not.toBeNull();
    expect((await revokeApiKey(db, created.id)).revoked_at).toEqual(revoked.revoked_at);
    await expect(authenticateApiKey(db, created.key)).rejects.toMatchObject({
      status: 401,
      code: "api_key_revoked",
    });
  });

  it("refuse unknown and malformed keys alike", async () => {
    for (const key of ["", "sk_", `sk_${"a".repeat(43)}`, `pk_${"a".repeat(43)}`, "sk_ünicode"]) {
      await expect(authenticateApiKey(db, key)).rejects.toMatchObject({
        status: 401,
        code: "api_key_invalid",
      });
    }
  });

  it("write last_used_at at most once a minute", async () => {
    const created = await createApiKey(db, merchantId);
    const lastUsed = async () =>
      (
        await db
          .selectFrom("api_keys")
          .select("last_used_at")
          .where("id", "=", created.id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    const start = new Date("2030-01-01T00:00:00Z");
    await authenticateApiKey(db, created.key, start);
    expect(await lastUsed()).toEqual(start);
    await authenticateApiKey(db, created.key, new Date(start.getTime() + 30_000));
    expect(await lastUsed()).toEqual(start);
    const later = new Date(start.getTime() + 61_000);
    await authenticateApiKey(db, created.key, later);
    expect(await lastUsed()).toEqual(later);
  });

  it("cannot be created for a merchant that does not exist", async () => {
    await expect(createApiKey(db, "mer_missing")).rejects.toMatchObject({ status: 404 });
  });
});
