import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSweeper, SWEEPER_ARTIFACT_PATH } from "./contracts/sweeper-build.ts";

/** The checked-in Sweeper artifact is what contracts/Sweeper.sol compiles to: a changed source changes the test. */
describe("Sweeper artifact", () => {
  it("matches a fresh solc compilation of contracts/Sweeper.sol, bytecode and ABI", () => {
    const checkedIn = JSON.parse(readFileSync(SWEEPER_ARTIFACT_PATH, "utf8"));
    const fresh = compileSweeper();
    expect(fresh.bytecode).toBe(checkedIn.bytecode);
    expect(fresh.abi).toEqual(checkedIn.abi);
    expect(fresh.compiler).toBe(checkedIn.compiler);
  }, 120_000);
});
