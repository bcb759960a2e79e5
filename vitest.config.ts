import { defineConfig } from "vitest/config";

// Vitest 5's reporter prints failures with Map.groupBy (Node >= 21); on Node 20 it crashed exactly when a test
// failed, losing the failure. The config loads in the reporter's process, so the standard method is added here.
if (!("groupBy" in Map)) {
  Object.defineProperty(Map, "groupBy", {
    configurable: true,
    writable: true,
    value<K, T>(items: Iterable<T>, keyOf: (item: T, index: number) => K): Map<K, T[]> {
      const groups = new Map<K, T[]>();
      let index = 0;
      for (const item of items) {
        const key = keyOf(item, index++);
        const group = groups.get(key);
        if (group) group.push(item);
        else groups.set(key, [item]);
      }
      return groups;
    },
  });
}

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "scripts/**/*.test.ts"],
    // Every test file owns its database, Redis prefix and Anvil port, so files run in parallel safely.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
