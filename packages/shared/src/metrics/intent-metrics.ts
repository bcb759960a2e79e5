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
 * `paygate_intents{state}`: counted in PostgreSQL on scrape, so every API replica reports the same totals
 * (sum by state needs no dedup: take one replica's value, or `max`). Every state is reported, zeros included,
 * so a dashboard's series never vanish.
 */
export function intentMetrics(db: Db): Registry {
  const registry = new Registry();
  new Gauge({
    name: "paygate_intents",
    help: "Payment intents by state",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom("payment_intents")
        .select(["status", (eb) => eb.fn.countAll<string>().as("count")])
        .groupBy("status")
        .execute();
      const counts = new Map(rows.map((row) => [row.status, Number(row.count)]));
      for (const state of states) this.set({ state }, counts.get(state) ?? 0);
    },
  });
  return registry;
}
