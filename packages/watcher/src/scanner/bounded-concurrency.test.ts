import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { forEachBounded } from "./bounded-concurrency.ts";

describe("forEachBounded", () => {
  it("runs every item, never more than the limit at once, starting them in order", async () => {
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      started.push(item);
      running += 1;
      peak = Math.max(peak, running);
      await delay(item % 3);
      running -= 1;
    });
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it("does nothing for no items", async () => {
    let calls = 0;
    await forEachBounded([], 4, async () => {
      calls += 1;
    });
    expect(calls).toBe(0);
  });

  it("after a failure starts nothing more, waits for the running tasks, then rejects with the first error", async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = forEachBounded([1, 2, 3, 4, 5, 6], 2, async (item) => {
      started.push(item);
      if (item === 2) throw new Error("boom 2");
      await delay(20);
      finished.push(item);
    });
    await expect(run).rejects.toThrow("boom 2");
    // 1 was running when 2 failed: it ran to its end; nothing started after the failure
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([1]);
  });
});
