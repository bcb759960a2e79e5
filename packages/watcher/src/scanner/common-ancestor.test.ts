import { describe, expect, it } from "vitest";
import { type BlockRef, findCommonAncestor } from "./common-ancestor.ts";

const chain = (from: number, hashes: string): BlockRef[] =>
  [...hashes].map((hash, i) => ({ number: BigInt(from + i), hash }));

describe("findCommonAncestor", () => {
  it.each([
    {
      name: "no reorg: the newest stored block",
      stored: chain(10, "abcd"),
      canonical: chain(10, "abcd"),
      at: 13n,
    },
    { name: "the newest block replaced", stored: chain(10, "abcd"), canonical: chain(10, "abcX"), at: 12n },
    { name: "two blocks replaced", stored: chain(10, "abcd"), canonical: chain(10, "abXY"), at: 11n },
    { name: "rollback: the node is shorter", stored: chain(10, "abcd"), canonical: chain(10, "ab"), at: 11n },
    { name: "rollback onto another fork", stored: chain(10, "abcd"), canonical: chain(10, "aX"), at: 10n },
    { name: "every kept block replaced", stored: chain(10, "abcd"), canonical: chain(10, "WXYZ"), at: null },
    { name: "the node is below the window", stored: chain(10, "abcd"), canonical: [], at: null },
    { name: "nothing stored", stored: [], canonical: chain(10, "ab"), at: null },
  ])("$name", ({ stored, canonical, at }) => {
    expect(findCommonAncestor(stored, canonical)?.number ?? null).toBe(at);
  });

  it("does not depend on the order of the stored blocks", () => {
    expect(findCommonAncestor(chain(10, "abcd").reverse(), chain(10, "abXY"))).toEqual({
      number: 11n,
      hash: "b",
    });
  });
});
