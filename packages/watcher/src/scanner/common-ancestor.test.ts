import { describe, expect, it } from "vitest";
import { type BlockRef, findCommonAncestor, isLinked } from "./common-ancestor.ts";

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

describe("isLinked", () => {
  const block = (hash: string, parentHash: string) => ({ hash, parentHash });

  it.each([
    ["an empty range", [], true],
    ["one block", [block("a", "z")], true],
    ["parents in order", [block("a", "z"), block("b", "a"), block("c", "b")], true],
    ["a block from another fork in the middle", [block("a", "z"), block("b'", "x"), block("c", "b")], false],
    ["the last block on another fork", [block("a", "z"), block("b", "a"), block("c'", "b'")], false],
  ])("%s: %s", (_name, blocks, linked) => {
    expect(isLinked(blocks)).toBe(linked);
  });
});
