import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface Child<T> {
  /** What the child printed after `ready `, parsed as JSON. */
  ready: T;
  /** The JSON after the next stdout line starting with `word `. */
  line<U>(word: string, timeoutMs?: number): Promise<U>;
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript file in a node process of its own (through tsx, workspace packages from their sources), so the code under test does not share an
 * event loop with the load generator. The child announces itself with one stdout line `ready <json>`.
 * `BENCH_CHILD_FLAGS` adds node flags (`--cpu-prof` to see where a child spends its time).
 */
export async function startChild<T>(
  file: string,
  options: { args?: string[]; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Child<T>> {
  const flags = process.env.BENCH_CHILD_FLAGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...flags, "--conditions=@paygate/source", "--import", "tsx", file, ...(options.args ?? [])],
    {
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waiting = new Map<string, (json: string) => void>();
  // a line nobody waits for yet is kept: the child may finish before the parent asks
  const unclaimed = new Map<string, string>();
  createInterface({ input: child.stdout! }).on("line", (text) => {
    const space = text.indexOf(" ");
    const word = space < 0 ? text : text.slice(0, space);
    const json = space < 0 ? "{}" : text.slice(space + 1);
    const waiter = waiting.get(word);
    if (waiter) waiter(json);
    else unclaimed.set(word, json);
  });
  const line = <U>(word: string, timeoutMs = options.timeoutMs ?? 60_000) =>
    new Promise<U>((resolve, reject) => {
      const early = unclaimed.get(word);
      if (early !== undefined) {
        unclaimed.delete(word);
        resolve(JSON.parse(early) as U);
        return;
      }
      const timer = setTimeout(
        () => reject(new Error(`${file}: no '${word}' within ${timeoutMs} ms`)),
        timeoutMs,
      );
      void exited.then((code) => reject(new Error(`${file} exited with ${code} before '${word}'`)));
      waiting.set(word, (json) => {
        clearTimeout(timer);
        waiting.delete(word);
        resolve(JSON.parse(json) as U);
      });
    });
  const ready = await line<T>("ready");
  return {
    ready,
    line,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
