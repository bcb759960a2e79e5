import { describe, expect, it } from "vitest";
import { until } from "./until.ts";

describe("until", () => {
  it("returns the first truthy value the probe gives", async () => {
    let calls = 0;
    const value = await until(() => (++calls >= 3 ? { calls } : null), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it("keeps polling through probe errors", async () => {
    let calls = 0;
    const value = await until(
      async () => {
        if (++calls < 3) throw new Error("not yet");
        return "ready";
      },
      { intervalMs: 1 },
    );
    expect(value).toBe("ready");
  });

  it("reports the message and the last value on timeout", async () => {
    await expect(until(() => 0, { timeoutMs: 30, message: "the invoice to settle" })).rejects.toThrow(
      /waiting for the invoice to settle; last probe returned: 0/,
    );
  });

  it("reports the last error on timeout", async () => {
    const probe = () => {
      throw new Error("connection refused");
    };
    await expect(until(probe, { timeoutMs: 30 })).rejects.toThrow(/last probe threw: .*connection refused/);
  });

  it("gives up on a probe that never settles", async () => {
    await expect(until(() => new Promise<boolean>(() => {}), { timeoutMs: 30 })).rejects.toThrow(
      /probe never finished/,
    );
  });
});
