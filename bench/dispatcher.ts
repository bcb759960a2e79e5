import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createTestDatabase, insertEvent, until } from "@paygate/testkit/helpers";
import {
  createEndpoint,
  createMerchant,
  type Db,
  newId,
  serializeEventBody,
} from "../packages/shared/src/index.ts";
// testkit's entry also declares vitest fixtures, which throw outside a vitest run: import its plain helpers
import { startChild } from "./support/child.ts";
import { startRedisServer } from "./support/redis-server.ts";
import { type BenchmarkResult, percentile, ratioOf } from "./support/report.ts";

/**
 * 20,000 events delivered by a dispatcher process (BullMQ on a Redis of its own, signing, attempt records) to
 * a local receiver answering 200 at once, next to a bare undici POST loop with the same concurrency. The
 * contract caps an endpoint at 5 requests in flight, so the events are spread over 10 merchants with one
 * endpoint each: 50 in flight, the dispatcher's default worker concurrency.
 */
const EVENTS = Number(process.env.BENCH_DISPATCHER_EVENTS ?? 20_000);
const ENDPOINTS = 10;
const CONCURRENCY = 50;

export async function benchDispatcher(): Promise<BenchmarkResult> {
  let received = 0;
  let firstAt = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      if (received++ === 0) firstAt = performance.now();
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const database = await createTestDatabase();
  const redis = await startRedisServer();
  const db = database.db;
  const sample = serializeEventBody({
    id: "evt_sample",
    type: "payment.confirmed",
    createdAt: new Date(),
    data: samplePayload(),
  });

  try {
    // baseline first: the same receiver, the same body, the same concurrency
    const loop = await startChild(join(import.meta.dirname, "support", "post-loop.ts"), {
      args: [`${url}/bare`, String(EVENTS), String(CONCURRENCY), sample],
    });
    const bare = await loop.line<{ ms: number }>("done", 600_000);
    await loop.stop();
    received = 0;

    const merchants: string[] = [];
    for (let i = 0; i < ENDPOINTS; i++) {
      const merchant = await createMerchant(db, { name: `Bench shop ${i}` });
      await createEndpoint(
        db,
        merchant.id,
        { url: `${url}/hooks/${i}` },
        { env: "development", allowedCidrs: [] },
      );
      merchants.push(merchant.id);
    }
    const dispatcher = await startChild(join(import.meta.dirname, "support", "dispatcher-process.ts"), {
      env: {
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        PAYGATE_ENV: "development",
        LOG_LEVEL: "silent",
      },
    });
    const inserted = performance.now();
    for (let start = 0; start < EVENTS; start += 1000) {
      const rows = [];
      for (let i = start; i < Math.min(EVENTS, start + 1000); i++) {
        const id = newId("evt");
        const body = serializeEventBody({
          id,
          type: "payment.confirmed",
          createdAt: new Date(),
          data: samplePayload(),
        });
        rows.push({
          id,
          merchant_id: merchants[i % ENDPOINTS]!,
          type: "payment.confirmed",
          dedupe_key: id,
          body,
        });
      }
      await db.insertInto("events").values(rows).execute();
    }
    await until(() => received >= EVENTS, {
      timeoutMs: 600_000,
      intervalMs: 50,
      message: `${EVENTS} deliveries`,
    });
    const lastAt = performance.now();
    await until(
      async () => {
        const open = await db
          .selectFrom("deliveries")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("status", "!=", "succeeded")
          .executeTakeFirstOrThrow();
        return Number(open.n) === 0;
      },
      { timeoutMs: 30_000, message: "every delivery marked succeeded" },
    );
    const relay = await relayPickUp(db, merchants[0]!);
    await dispatcher.stop();

    const bareRate = EVENTS / (bare.ms / 1000);
    const steadyRate = EVENTS / ((lastAt - firstAt) / 1000);
    const wholeRate = EVENTS / ((lastAt - inserted) / 1000);
    const ratio = ratioOf(steadyRate, bareRate);
    return {
      name: "dispatcher",
      rows: [
        {
          metric: "deliveries/s (first to last request)",
          value: Math.round(steadyRate),
          unit: "/s",
          baseline: Math.round(bareRate),
          ratio,
          target: ">= 1000, >= 0.30 of bare",
          pass: steadyRate >= 1000 && (ratio ?? 0) >= 0.3,
        },
        {
          metric: "deliveries/s (from first insert)",
          value: Math.round(wholeRate),
          unit: "/s",
          baseline: Math.round(bareRate),
          ratio: ratioOf(wholeRate, bareRate),
        },
        { metric: "requests received", value: received, unit: "count", baseline: EVENTS },
        {
          metric: "outbox relay pick-up, one event at a time (p50)",
          value: percentile(relay, 50),
          unit: "ms",
          target: "< 100",
          pass: percentile(relay, 50) < 100,
        },
        { metric: "outbox relay pick-up, one event at a time (max)", value: Math.max(...relay), unit: "ms" },
      ],
      notes: [
        `${EVENTS} events over ${ENDPOINTS} endpoints (5 in flight each), ${CONCURRENCY} concurrent; body ${sample.length} bytes.`,
        "'from first insert' includes writing the events (1,000 per statement) and the outbox relay's pick-up.",
      ],
    };
  } finally {
    await new Promise<void>((resolve) => {
      receiver.closeAllConnections();
      receiver.close(() => resolve());
    });
    await redis.stop();
    await database.drop();
  }
}

/**
 * LISTEN/NOTIFY: how long after its commit the outbox relay picks an event up (`relayed_at - created_at`), for
 * events written one at a time into an idle outbox (what S16 used to assert as a correctness bound).
 */
async function relayPickUp(db: Db, merchantId: string, samples = 20): Promise<number[]> {
  const delays: number[] = [];
  for (let i = 0; i < samples; i++) {
    const { id } = await insertEvent(db, merchantId, "payment.confirmed", samplePayload());
    const row = await until(
      async () => {
        const event = await db
          .selectFrom("events")
          .select(["created_at", "relayed_at"])
          .where("id", "=", id)
          .executeTakeFirstOrThrow();
        return event.relayed_at ? event : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 5, message: `event ${id} relayed` },
    );
    delays.push(row.relayed_at!.getTime() - row.created_at.getTime());
  }
  return delays.sort((a, b) => a - b);
}

/** A payment.confirmed payload shaped like the real one (about 1.3 KB). */
function samplePayload(): Record<string, unknown> {
  return {
    payment_intent: {
      id: newId("pi"),
      object: "payment_intent",
      status: "confirmed",
      chain: "base",
      asset: "USDC",
      address: "0x9858EfFD232B4033E47d90003D41EC34EcaEda94",
      amount_due: "49.000000",
      amount_received: "49.000000",
      amount_confirmed: "49.000000",
      overpaid_amount: null,
      late: false,
      required_confirmations: 10,
      price: { amount: "49.00", currency: "USD" },
      quote: {
        rate: "1.000000",
        source: "fixed",
        quoted_at: new Date().toISOString(),
        expires_at: new Date().toISOString(),
      },
      payment_uri:
        "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?address=0x9858EfFD232B4033E47d90003D41EC34EcaEda94&uint256=49000000",
      checkout_url: "https://gateway.example/pay/pi_x",
      payments: [],
      order_id: "ord_98117",
      metadata: {},
      created_at: new Date().toISOString(),
      expires_at: new Date().toISOString(),
      confirmed_at: new Date().toISOString(),
    },
    sequence: 3,
  };
}
