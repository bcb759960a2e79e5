import { type ApiRequest, apiClient, createTestMerchant, startTestApi, type TestApi } from "@paygate/testkit";
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * 2,000 random malformed requests (garbage and random JSON bodies, wrong types, huge numbers, bad headers,
 * hostile paths and queries) against intent creation and the other endpoints: never a 5xx, never a row.
 */
let api: TestApi;
let request: ApiRequest;
let apiKey: string;

const tables = [
  "payment_intents",
  "payments",
  "events",
  "idempotency_keys",
  "webhook_endpoints",
  "webhook_secrets",
  "deliveries",
  "intent_transitions",
] as const;

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await sql<{
      count: string;
    }>`select count(*)::text as count from ${sql.table(table)}`.execute(api.db);
    counts[table] = Number(rows[0]!.count);
  }
  return counts;
}

beforeAll(async () => {
  api = await startTestApi();
  apiKey = (await createTestMerchant(api.db)).apiKey;
  request = apiClient(api.url, apiKey);
});

afterAll(() => api?.close());

const valid = { amount: "49.00", currency: "USD", asset: "ETH", chain: "anvil" };

/** Values no field accepts (or that a field's own rules refuse before any rate is asked for). */
const hostile = fc.oneof(
  fc.constantFrom(
    null,
    true,
    -1,
    0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    "",
    "-5",
    "1e400",
    "NaN",
    "Infinity",
    "0x10",
    " 49.00",
    "49,00",
    "9".repeat(400),
    "0.0000000000000000000000000000000000001",
    "\u0000",
    "\ud800",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' or 1=1 --",
    [],
    {},
    { $gt: "" },
  ),
  fc.double(),
  fc.bigInt().map((value) => Number(value)),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.anything(), { maxKeys: 3 }),
);

const field = fc.constantFrom(
  "amount",
  "currency",
  "asset",
  "chain",
  "order_id",
  "metadata",
  "expires_in",
  "confirmations",
);

/** A create body with at least one field broken (or an unknown one added). */
const brokenCreateBody = fc.oneof(
  fc.record({ key: field, value: hostile }).map(({ key, value }) => ({ ...valid, [key]: value })),
  fc
    .record({ key: fc.string({ minLength: 1, maxLength: 10 }), value: fc.anything() })
    .map(({ key, value }) => ({
      ...valid,
      [`x_${key}`]: value,
    })),
  fc.record({ drop: field }).map(({ drop }) => {
    const body: Record<string, unknown> = { ...valid, chain: "nowhere" };
    delete body[drop];
    return body;
  }),
  fc
    .dictionary(fc.string({ maxLength: 40 }), fc.anything())
    .map((metadata) => ({ ...valid, chain: "solana", metadata })),
  fc.anything(),
  fc.json().map((text) => JSON.parse(text) as unknown),
);

const rawBody = fc.oneof(
  brokenCreateBody.map((body) => JSON.stringify(body) ?? "null"),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
  fc.constantFrom('{"amount":', "[", "{}}", '{"a":1,"a":2}', "\ufeff{}", '{"amount":"49"\u0000}'),
);

const headerText = fc.string({ unit: fc.constantFrom(..."abcXYZ019 -_.:/;=,\"'{}!~"), maxLength: 300 });

const headers = fc.record(
  {
    "content-type": fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "application/json; charset=utf-16",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      'application/json; charset="',
      "",
    ),
    "idempotency-key": headerText,
    "content-encoding": fc.constantFrom("gzip", "br", "identity", "x-unknown"),
    accept: headerText,
    authorization: fc.constantFrom("Bearer", "Bearer sk_", "Basic abc", "bearer  "),
  },
  { requiredKeys: [] },
);

const idSegment = fc.oneof(
  fc.string({ maxLength: 80 }).map(encodeURIComponent),
  fc.constantFrom(
    "%",
    "%E0%A4%A",
    "%00",
    "..",
    "pi_01ARZ3NDEKTSV4RRFFQ69G5FAV",
    "a".repeat(500),
    "%F0%9F%98%80",
  ),
);

const query = fc.oneof(
  fc
    .dictionary(
      fc.constantFrom("limit", "starting_after", "status", "order_id", "type", "payment_intent", "x"),
      fc.string({ maxLength: 30 }),
    )
    .map((params) => new URLSearchParams(params).toString()),
  fc.constantFrom(
    "limit=1e3",
    "limit=-1",
    "limit=1&limit=2",
    "status[]=x",
    "%",
    "limit=%E0%A4%A",
    "order_id[a]=b",
  ),
);

const otherRequest = fc.oneof(
  fc
    .record({ id: idSegment, query })
    .map(({ id, query: q }) => ({ method: "GET", path: `/v1/payment-intents/${id}?${q}` })),
  query.map((q) => ({ method: "GET", path: `/v1/payment-intents?${q}` })),
  query.map((q) => ({ method: "GET", path: `/v1/events?${q}` })),
  query.map((q) => ({ method: "GET", path: `/v1/quotes?${q}` })),
  query.map((q) => ({ method: "GET", path: `/v1/webhook-endpoints?${q}` })),
  idSegment.map((id) => ({ method: "POST", path: `/v1/payment-intents/${id}/cancel` })),
  idSegment.map((id) => ({ method: "POST", path: `/v1/events/${id}/redeliver` })),
  idSegment.map((id) => ({ method: "PATCH", path: `/v1/webhook-endpoints/${id}` })),
  idSegment.map((id) => ({ method: "POST", path: `/v1/webhook-endpoints/${id}/recover` })),
  fc.constantFrom(
    { method: "POST", path: "/v1/webhook-endpoints" },
    { method: "DELETE", path: "/v1/payment-intents" },
  ),
);

const anyRequest = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ body: rawBody, headers })
      .map((parts) => ({ method: "POST", path: "/v1/payment-intents", ...parts })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ target: otherRequest, body: rawBody, headers })
      .map(({ target, ...parts }) => ({ ...target, ...parts })),
  },
);

describe("malformed requests", () => {
  it("never answer 5xx and never write", { timeout: 180_000 }, async () => {
    const before = await rowCounts();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(anyRequest, async ({ method, path, body, headers: extra }) => {
        const { authorization, ...rest } = extra;
        const answer = await request(method, path, {
          rawBody: method === "GET" ? undefined : body,
          headers: { ...rest, ...(authorization ? { authorization } : {}) },
          apiKey: authorization ? null : apiKey,
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const context = `${method} ${path} ${answer.text}`;
        expect(answer.status, context).toBeLessThan(500);
        // a random query can happen to be a valid read; anything that could write must be refused
        if (method !== "GET") {
          expect(answer.status, context).toBeGreaterThanOrEqual(400);
          expect(answer.body?.error?.code, context).toEqual(expect.any(String));
        }
      }),
      { numRuns: 2000 },
    );
    expect(await rowCounts()).toEqual(before);
    // the run exercised a spread of refusals, not one path
    expect(statuses.size).toBeGreaterThanOrEqual(4);
  });
});
