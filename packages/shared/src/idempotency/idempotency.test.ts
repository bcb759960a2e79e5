import { createTestDatabase, type TestDatabase } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/connect.ts";
import { createMerchant } from "../merchants/index.ts";
import {
  canonicalJson,
  claimIdempotencyKey,
  completeIdempotencyKey,
  purgeExpiredIdempotencyKeys,
  releaseIdempotencyKey,
  requestFingerprint,
} from "./idempotency.ts";

let database: TestDatabase;
let db: Db;
let merchantId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  merchantId = (await createMerchant(db, { name: "Idempotent" })).id;
});

afterAll(() => database?.drop());

describe("requestFingerprint", () => {
  it("ignores key order and whitespace but not values", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: "x" }] })).toBe('{"a":[{"c":"x","d":2}],"b":1}');
    expect(requestFingerprint({ a: 1, b: 2 })).toBe(requestFingerprint({ b: 2, a: 1 }));
    expect(requestFingerprint({ a: 1 })).not.toBe(requestFingerprint({ a: "1" }));
  });
});

describe("claimIdempotencyKey", () => {
  it("makes exactly one of many concurrent claims the owner", async () => {
    const claims = await Promise.allSettled(
      Array.from({ length: 20 }, () => claimIdempotencyKey(db, merchantId, "race", "hash-1")),
    );
    const owners = claims.filter((claim) => claim.status === "fulfilled" && claim.value.kind === "owner");
    const inUse = claims.filter(
      (claim) =>
        claim.status === "rejected" && (claim.reason as { code: string }).code === "idempotency_key_in_use",
    );
    expect(owners).toHaveLength(1);
    expect(inUse).toHaveLength(19);
  });

  it("replays the stored answer byte for byte, refuses another body, frees released keys", async () => {
    expect(await claimIdempotencyKey(db, merchantId, "k1", "hash-a")).toEqual({ kind: "owner" });
    await completeIdempotencyKey(db, merchantId, "k1", 201, '{"z":1,"a":2}');
    expect(await claimIdempotencyKey(db, merchantId, "k1", "hash-a")).toEqual({
      kind: "replay",
      status: 201,
      body: '{"z":1,"a":2}',
    });
    await expect(claimIdempotencyKey(db, merchantId, "k1", "hash-b")).rejects.toMatchObject({
      code: "idempotency_key_reused",
      status: 422,
    });

    expect(await claimIdempotencyKey(db, merchantId, "k2", "hash-a")).toEqual({ kind: "owner" });
    await releaseIdempotencyKey(db, merchantId, "k2");
    expect(await claimIdempotencyKey(db, merchantId, "k2", "hash-other")).toEqual({ kind: "owner" });
  });

  it("treats keys past 24 h as new, and takes over keys abandoned in flight", async () => {
    const now = new Date();
    expect(
      await claimIdempotencyKey(db, merchantId, "old", "hash-a", new Date(now.getTime() - 25 * 3_600_000)),
    ).toEqual({
      kind: "owner",
    });
    await completeIdempotencyKey(db, merchantId, "old", 201, "{}");
    expect(await claimIdempotencyKey(db, merchantId, "old", "hash-b", now)).toEqual({ kind: "owner" });

    await claimIdempotencyKey(db, merchantId, "stuck", "hash-a", new Date(now.getTime() - 10 * 60_000));
    expect(await claimIdempotencyKey(db, merchantId, "stuck", "hash-a", now)).toEqual({ kind: "owner" });
    await claimIdempotencyKey(db, merchantId, "busy", "hash-a", new Date(now.getTime() - 60_000));
    await expect(claimIdempotencyKey(db, merchantId, "busy", "hash-a", now)).rejects.toMatchObject({
      code: "idempotency_key_in_use",
    });
  });

  it("purges keys older than 24 h", async () => {
    await claimIdempotencyKey(db, merchantId, "ancient", "hash-a", new Date(Date.now() - 48 * 3_600_000));
    expect(await purgeExpiredIdempotencyKeys(db)).toBeGreaterThanOrEqual(1);
    const left = await db.selectFrom("idempotency_keys").select("key").where("key", "=", "ancient").execute();
    expect(left).toEqual([]);
  });
});
