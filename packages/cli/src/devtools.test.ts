import { describe, expect, it } from "vitest";
import { isMissingPackage } from "./devtools.ts";

const importFailure = (specifier: string) =>
  import(/* @vite-ignore */ specifier).then(
    () => undefined,
    (error: unknown) => error,
  );

describe("isMissingPackage", () => {
  it("recognises a package that is not installed, as a production install leaves @paygate/devtools out", async () => {
    const error = await importFailure("@paygate/not-installed");
    expect(error).toBeInstanceOf(Error);
    expect(isMissingPackage(error, "@paygate/not-installed")).toBe(true);
  });

  it("does not take another package's absence, or another failure, for it", async () => {
    expect(isMissingPackage(await importFailure("@paygate/not-installed"), "@paygate/devtools")).toBe(false);
    expect(isMissingPackage(new SyntaxError("Unexpected token"), "@paygate/devtools")).toBe(false);
    expect(isMissingPackage(undefined, "@paygate/devtools")).toBe(false);
  });
});
