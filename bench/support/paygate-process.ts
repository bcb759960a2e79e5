import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "packages", "cli", "bin", "paygate.mjs");

export interface PaygateProcess {
  readonly command: string;
  readonly pid: number;
  /** Resolves with the exit code (null after a signal). */
  readonly exited: Promise<number | null>;
  /** Resident set size in MB, from /proc. */
  rssMb(): Promise<number>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * `paygate <command>` (api, watcher, dispatcher) as an operator runs it: the compiled CLI (`pnpm build`) in a
 * process of its own, configured by environment only (contract section 6). Its output goes to `log` if given.
 */
export function startPaygate(
  command: "api" | "watcher" | "dispatcher",
  env: Record<string, string>,
  log?: (line: string) => void,
): PaygateProcess {
  const child: ChildProcess = spawn(process.execPath, [bin, command], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", log ? "pipe" : "ignore", log ? "pipe" : "ignore"],
  });
  if (log) {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => {
        for (const line of chunk.split("\n")) if (line) log(line);
      });
    }
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    command,
    pid: child.pid ?? -1,
    exited,
    async rssMb() {
      const status = await readFile(`/proc/${child.pid}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
      return Math.round(kb / 1024);
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
