import { defineConfig } from "vitest/config";

// Workspace packages export their compiled dist/ by default and their TypeScript sources under this condition:
// tests run the sources (tsconfig.json resolves the same way for the typecheck).
const sourceCondition = "@paygate/source";

export default defineConfig({
  resolve: { conditions: [sourceCondition, "module", "node", "development|production"] },
  ssr: { resolve: { conditions: [sourceCondition, "module", "node", "development|production"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "scripts/**/*.test.ts"],
    // Tests that start `paygate` as an operator does run the compiled CLI: build it once before any file runs.
    globalSetup: ["test/support/build-once.ts"],
    // Every test file owns its database, Redis prefix and Anvil port, so files run in parallel safely.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
