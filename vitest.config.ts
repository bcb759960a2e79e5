import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    // Every test file owns its database, Redis prefix and Anvil port, so files run in parallel safely.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
