import { createTestDatabase, type IntentFixtures, intentFixtures, type TestDatabase } from "@paygate/testkit";
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { INTENT_COUNTS_MAX_AGE_MS, intentMetrics } from "./intent-metrics.ts";

let database: TestDatabase;
let fixtures: IntentFixtures;

beforeAll(async () => {
  database = await createTestDatabase();
  fixtures = await intentFixtures(database.db);
});

afterAll(() => database?.drop());

/** Counts the statements sent through a database handle. */
function countingStatements() {
  const counter = { statements: 0 };
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      counter.statements += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { counter, db: database.db.withPlugin(plugin) };
}

const awaiting = (text: string) => /^paygate_intents\{state="awaiting_payment"\} (\d+)$/m.exec(text)?.[1];

it("counts intents by state at most once per interval, however many scrapes come at once", async () => {
  const { counter, db } = countingStatements();
  let clock = 1_000_000;
  const registry = intentMetrics(db, { now: () => clock });
  await fixtures.insertIntent();

  const scrapes = await Promise.all(Array.from({ length: 40 }, () => registry.metrics()));
  expect(new Set(scrapes.map(awaiting))).toEqual(new Set(["1"]));
  expect(counter.statements).toBe(1);

  await fixtures.insertIntent();
  clock += INTENT_COUNTS_MAX_AGE_MS - 1;
  expect(awaiting(await registry.metrics())).toBe("1");
  expect(counter.statements).toBe(1);

  clock += 1;
  expect(awaiting(await registry.metrics())).toBe("2");
  expect(await registry.metrics()).toMatch(/^paygate_intents\{state="canceled"\} 0$/m);
  expect(counter.statements).toBe(2);
});
