import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { until } from "@paygate/testkit";
import { describe, expect, it } from "vitest";
import { ECHO_WINDOW_MS, FORCED_EXIT_CODE, judgeSignal } from "./shutdown-signal.ts";

describe("judgeSignal", () => {
  it.each([
    { firstAt: undefined, now: 5_000, verdict: "shutdown" },
    // the same Ctrl-C relayed by pnpm and tsx
    { firstAt: 5_000, now: 5_000, verdict: "echo" },
    { firstAt: 5_000, now: 5_030, verdict: "echo" },
    { firstAt: 5_000, now: 5_000 + ECHO_WINDOW_MS - 1, verdict: "echo" },
    // someone pressing Ctrl-C again
    { firstAt: 5_000, now: 5_000 + ECHO_WINDOW_MS, verdict: "force" },
    { firstAt: 5_000, now: 60_000, verdict: "force" },
  ] as const)("first at $firstAt, this one at $now: $verdict", ({ firstAt, now, verdict }) => {
    expect(judgeSignal(firstAt, now)).toBe(verdict);
  });
});

/**
 * A real process using shutdownSignal: it announces its graceful stop, then finishes it when told on stdin.
 * A second signal arrives during the stop, as a wrapper's relay does.
 */
function stoppingProcess(echoWindowMs: number) {
  const module = fileURLToPath(new URL("./shutdown-signal.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      `import { shutdownSignal } from ${JSON.stringify(module)};
       process.stdin.resume(); // a service's open servers keep it alive; here stdin does
       process.stdout.write("ready\\n");
       const signal = await shutdownSignal({ echoWindowMs: ${echoWindowMs} });
       process.stdout.write("stopping on " + signal + "\\n");
       process.stdin.once("data", () => { process.stdout.write("stopped\\n"); process.exit(0); });`,
    ],
    { cwd: fileURLToPath(new URL("../..", import.meta.url)) },
  );
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

describe("shutdownSignal in a running process", () => {
  it("takes a second signal during the graceful stop as the same request: the stop completes, exit 0", async () => {
    const stopping = stoppingProcess(60_000);
    await until(() => stopping.output().includes("ready"), { timeoutMs: 20_000, message: "ready" });
    stopping.child.kill("SIGINT");
    await until(() => stopping.output().includes("stopping on SIGINT"), { message: "the stop to begin" });
    stopping.child.kill("SIGINT");
    stopping.child.stdin.write("finish\n");
    expect(await stopping.exited, stopping.output()).toEqual({ code: 0, signal: null });
    expect(stopping.output()).toContain("stopped");
  }, 30_000);

  it("forces the exit (130) on a signal after the echo window, without finishing the stop", async () => {
    const stopping = stoppingProcess(0);
    await until(() => stopping.output().includes("ready"), { timeoutMs: 20_000, message: "ready" });
    stopping.child.kill("SIGTERM");
    await until(() => stopping.output().includes("stopping on SIGTERM"), { message: "the stop to begin" });
    stopping.child.kill("SIGINT");
    expect(await stopping.exited).toEqual({ code: FORCED_EXIT_CODE, signal: null });
    expect(stopping.output()).toContain("SIGINT again: stopping now, without finishing the graceful stop");
    expect(stopping.output()).not.toContain("stopped\n");
  }, 30_000);
});
