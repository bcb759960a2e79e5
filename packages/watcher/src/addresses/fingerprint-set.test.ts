import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FingerprintSet, fingerprint } from "./fingerprint-set.ts";

const address = () => `0x${randomBytes(20).toString("hex")}`;

describe("FingerprintSet", () => {
  it("holds every string added, counts each once, and grows past its first capacity", () => {
    const set = new FingerprintSet();
    const added = Array.from({ length: 100_000 }, address);
    for (const key of added) set.add(key);
    for (const key of added.slice(0, 1000)) set.add(key);

    expect(set.size).toBe(added.length);
    expect(added.every((key) => set.has(key))).toBe(true);
  });

  it("answers false for strings never added, including near neighbours of added ones", () => {
    const set = new FingerprintSet();
    const added = Array.from({ length: 50_000 }, address);
    for (const key of added) set.add(key);

    const strangers = Array.from({ length: 100_000 }, address);
    // one character changed, or case changed: the watcher's keys are normalised, so these are other addresses
    const neighbours = added.slice(0, 1000).flatMap((key) => [`${key.slice(0, -1)}x`, key.toUpperCase()]);
    expect([...strangers, ...neighbours].filter((key) => set.has(key))).toEqual([]);
    expect(new FingerprintSet().has(added[0]!)).toBe(false);
  });

  it("gives distinct strings distinct 64-bit fingerprints", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(fingerprint(`bcrt1q${i.toString(36)}`).join(":"));
    expect(seen.size).toBe(200_000);
    expect(fingerprint("")).not.toEqual([0, 0]);
  });
});
