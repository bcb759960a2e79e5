import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createTestDatabase, createTestMerchant } from "@paygate/testkit/helpers";
import autocannon from "autocannon";
import { HDKey } from "viem/accounts";
import { startChild } from "./support/child.ts";
import { type BenchmarkResult, type Row, ratioOf } from "./support/report.ts";

/**
 * POST /v1/payment-intents under load from autocannon, at 16 and 64 connections, against the real API (its own
 * process and database, one merchant: every intent reserves an index on the same wallet row) and, in the same
 * run, against a bare express handler that parses the body and answers a canned 201.
 */
const DURATION_S = Number(process.env.BENCH_API_DURATION_S ?? 10);
const CONNECTIONS = [16, 64];
/** A second pass with intents spread over this many merchants shows what the per-wallet row lock costs. */
const MERCHANTS = 8;
const body = JSON.stringify({ amount: "25.00", currency: "USD", asset: "ETH", chain: "anvil" });

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Each request goes out under the next of `apiKeys`, round robin. */
async function load(url: string, connections: number, apiKeys: string[], seconds: number): Promise<Load> {
  let sent = 0;
  const result = await autocannon({
    url: `${url}/v1/payment-intents`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${apiKeys[sent++ % apiKeys.length]}` },
        }),
      },
    ],
  });
  return {
    rps: result["2xx"] / (result.duration || seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

function randomXpub(): string {
  return HDKey.fromMasterSeed(randomBytes(32)).derive("m/44'/60'/0'").publicExtendedKey;
}

export async function benchApi(): Promise<BenchmarkResult> {
  const database = await createTestDatabase();
  const merchants = [];
  for (let i = 0; i < MERCHANTS; i++) {
    // each merchant needs an xpub of its own (wallets are unique per key): the public test one, then random
    merchants.push(
      await createTestMerchant(database.db, {
        name: `Bench shop ${i}`,
        evmXpub: i === 0 ? undefined : randomXpub(),
      }),
    );
  }
  const oneKey = [merchants[0]!.apiKey];
  const allKeys = merchants.map((merchant) => merchant.apiKey);
  const env = {
    DATABASE_URL: database.url,
    PAYGATE_ENV: "test",
    RATES_PROVIDER: "fixed",
    RATES_FIXED: "ETH:USD=3000",
    PUBLIC_URL: "https://gateway.bench",
  };
  const server = join(import.meta.dirname, "support", "api-server.ts");
  const paygate = await startChild<{ url: string }>(server, { args: ["paygate"], env });
  const bare = await startChild<{ url: string }>(server, { args: ["bare"] });
  const rows: Row[] = [];
  let stored = 0;
  try {
    // a short warm-up of each: JIT, pool connections, the key lookup
    await load(paygate.ready.url, 16, allKeys, 2);
    await load(bare.ready.url, 16, oneKey, 2);
    const passes = [
      ...CONNECTIONS.map((connections) => ({ connections, keys: oneKey, label: `@${connections}` })),
      { connections: 64, keys: allKeys, label: `@64, ${MERCHANTS} merchants` },
    ];
    for (const { connections, keys, label } of passes) {
      const ours = await load(paygate.ready.url, connections, keys, DURATION_S);
      const base = await load(bare.ready.url, connections, keys, DURATION_S);
      const ratio = ratioOf(ours.rps, base.rps);
      rows.push(
        {
          metric: `intents/s ${label}`,
          value: Math.round(ours.rps),
          unit: "req/s",
          baseline: Math.round(base.rps),
          ratio,
          target: ">= 1000, >= 0.20 of bare",
          pass: ours.rps >= 1000 && (ratio ?? 0) >= 0.2,
        },
        {
          metric: `p50 ${label}`,
          value: ours.p50,
          unit: "ms",
          baseline: base.p50,
          ratio: ratioOf(ours.p50, base.p50),
        },
        {
          metric: `p99 ${label}`,
          value: ours.p99,
          unit: "ms",
          baseline: base.p99,
          ratio: ratioOf(ours.p99, base.p99),
          target: "<= 50 ms",
          pass: ours.p99 <= 50,
        },
        { metric: `non-2xx/errors ${label}`, value: ours.errors, unit: "count", baseline: base.errors },
      );
    }
    const count = await database.db
      .selectFrom("payment_intents")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    stored = Number(count.n);
  } finally {
    await paygate.stop();
    await bare.stop();
    await database.drop();
  }
  return {
    name: "api",
    rows,
    notes: [
      `${DURATION_S} s per run after a 2 s warm-up; one merchant unless said; ${stored} intents stored in total.`,
      "API and bare handler each in a node process of their own; autocannon in the runner's process.",
    ],
  };
}
