import { until } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DevEnvironment,
  devEnvironment,
  type GroupProcess,
  pnpm,
  startDev,
} from "./support/dev-session-process.ts";

/**
 * Ctrl-C in a terminal: SIGINT to the whole foreground process group (pnpm, the script's runner, the CLI, Anvil),
 * each wrapper relaying it once more to its child. `pnpm dev` and `pnpm demo` complete their graceful stop and
 * exit 0, every time.
 */
const RUNS = 10;
let environment: DevEnvironment;
const started: GroupProcess[] = [];

beforeAll(async () => {
  environment = await devEnvironment();
});

afterAll(async () => {
  for (const process of started) process.kill();
  await environment?.cleanUp();
});

describe("Ctrl-C on `pnpm dev`", () => {
  for (let run = 1; run <= RUNS; run++) {
    it(`stops gracefully and exits 0 (run ${run} of ${RUNS})`, async () => {
      const { dev } = await startDev(environment);
      started.push(dev);
      dev.signalGroup("SIGINT");
      const exit = await dev.exited;
      const output = dev.output();
      expect(exit, output.slice(-3000)).toEqual({ code: 0, signal: null });
      expect(output).toMatch(/shutting down/);
      for (const line of ["watcher stopped", "dispatcher stopped", "api stopped", "paygate dev stopped"])
        expect(output, output.slice(-3000)).toContain(line);
      expect(output).not.toMatch(/ELIFECYCLE|FATAL|ERROR/);
    }, 120_000);
  }
});

describe("Ctrl-C on `pnpm demo`", () => {
  let dev: GroupProcess;

  beforeAll(async () => {
    ({ dev } = await startDev(environment));
    started.push(dev);
  }, 120_000);

  afterAll(async () => {
    dev.signalGroup("SIGINT");
    expect((await dev.exited).code).toBe(0);
  });

  for (let run = 1; run <= RUNS; run++) {
    it(`stops mid-payment, removes its endpoint and exits 0 (run ${run} of ${RUNS})`, async () => {
      const demo = pnpm(["demo", "--timeout", "60"], environment.env);
      started.push(demo);
      // interrupted while it waits for the payment to confirm
      const endpoint = await until(() => /webhook endpoint (we_\S+)/.exec(demo.output())?.[1], {
        timeoutMs: 60_000,
        message: `the demo to register its endpoint\n${demo.output()}`,
      });
      demo.signalGroup("SIGINT");
      const exit = await demo.exited;
      const output = demo.output();
      expect(exit, output).toEqual({ code: 0, signal: null });
      expect(output).toContain(`webhook endpoint ${endpoint} removed`);
      expect(output).toContain("paygate demo stopped");
      expect(output).not.toMatch(/ELIFECYCLE/);
    }, 90_000);
  }
});
