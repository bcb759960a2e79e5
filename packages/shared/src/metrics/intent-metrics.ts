import { Gauge, Registry } from "prom-client";
import type { Db } from "../db/connect.ts";
import type { IntentStatus } from "../db/schema.ts";

const states: readonly IntentStatus[] = [
  "awaiting_payment",
  "pending",
  "confirmed",
  "underpaid",
  "expired",
  "canceled",
];

/**
 * How old the counts a scrape reports may be. Counting by state reads every intent, so it runs at most once
 * per this interval whatever the scrape rate: 40 concurrent scrapes cost one query, not 40 (contract section
 * 8). Counters kept in the process would cost nothing but be wrong: the watcher, not the API, moves most
 * intents, and every replica would count only its own.
 */
export const INTENT_COUNTS_MAX_AGE_MS = 30_000;

export interface IntentMetricsOptions {
  maxAgeMs?: number;
  /** The clock the counts' age is judged by (tests). */
  now?: () => number;
}

/**
 * `paygate_intents{state}`: counted in PostgreSQL, so every API replica reports the same totals (take one
 * replica's value, or `max`). Every state is reported, zeros included, so a dashboard's series never vanish.
 */
export function intentMetrics(db: Db, options: IntentMetricsOptions = {}): Registry {
  const counts = cachedForAWhile(
    () => countIntentsByState(db),
    options.maxAgeMs ?? INTENT_COUNTS_MAX_AGE_MS,
    options.now ?? Date.now,
  );
  const registry = new Registry();
  new Gauge({
    name: "paygate_intents",
    help: `Payment intents by state (counted at most every ${INTENT_COUNTS_MAX_AGE_MS / 1000} s)`,
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const byState = await counts();
      for (const state of states) this.set({ state }, byState.get(state) ?? 0);
    },
  });
  return registry;
}

async function countIntentsByState(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("payment_intents")
    .select(["status", (eb) => eb.fn.countAll<string>().as("count")])
    .groupBy("status")
    .execute();
  return new Map(rows.map((row) => [row.status, Number(row.count)]));
}

/** One load shared by every caller until it is `maxAgeMs` old; a failed load is not kept. */
function cachedForAWhile<T>(load: () => Promise<T>, maxAgeMs: number, now: () => number): () => Promise<T> {
  let cached: { value: Promise<T>; loadedAt: number } | undefined;
  return () => {
    if (!cached || now() - cached.loadedAt >= maxAgeMs) {
      const value = load();
      const entry = { value, loadedAt: now() };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.value;
  };
}
