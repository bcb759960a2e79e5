import { decodeTime } from "ulid";
import { expect, it } from "vitest";
import { newId } from "./ids.ts";

/** Crockford base32, the ULID alphabet: the random part of an id read as a number. */
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
function randomPart(id: string): bigint {
  return [...id.slice(-16)].reduce((value, char) => value * 32n + BigInt(alphabet.indexOf(char)), 0n);
}

it("ids made in the same millisecond share no predictable relation", () => {
  const ids = Array.from({ length: 1000 }, () => newId("pi"));
  expect(ids[0]).toMatch(/^pi_[0-9A-HJKMNP-TV-Z]{26}$/);
  expect(new Set(ids).size).toBe(ids.length);
  // neighbours made in one millisecond: a monotonic factory makes each the previous plus one
  const sameMs = ids.slice(1).flatMap((id, index) => {
    const previous = ids[index]!;
    return decodeTime(id.slice(3)) === decodeTime(previous.slice(3)) ? [[previous, id] as const] : [];
  });
  expect(sameMs.length).toBeGreaterThan(10);
  const increments = sameMs.filter(([previous, id]) => randomPart(id) - randomPart(previous) === 1n);
  expect(increments).toEqual([]);
  // and not ordered either: about half of same-millisecond neighbours sort backwards
  const backwards = sameMs.filter(([previous, id]) => id < previous).length;
  expect(backwards).toBeGreaterThan(sameMs.length / 4);
  expect(backwards).toBeLessThan((sameMs.length * 3) / 4);
});

it("every character of the random part is equally likely", () => {
  const counts = new Map<string, number>();
  for (let i = 0; i < 4000; i++) {
    for (const char of newId("att").slice(-16)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  // 64,000 characters over 32 symbols: 2,000 each, a few standard deviations (about 44) either way
  expect([...counts.keys()].sort().join("")).toBe(alphabet);
  for (const count of counts.values()) {
    expect(count).toBeGreaterThan(1800);
    expect(count).toBeLessThan(2200);
  }
});
