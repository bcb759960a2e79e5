import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { type PaygateProcess, startPaygate } from "../../bench/support/paygate-process.ts";

export type ServiceName = "api" | "watcher" | "dispatcher";
export const SERVICE_NAMES: readonly ServiceName[] = ["api", "watcher", "dispatcher"];

export interface Services {
  /** SIGKILL, as an OOM killer or a lost node does it; the process is down until `start`. */
  kill(name: ServiceName): Promise<void>;
  start(name: ServiceName): void;
  /** Starts whatever is down. */
  startAll(): void;
  /** Restarts so far, by service (the first start not counted). */
  restarts: Record<ServiceName, number>;
  /** Processes that exited on their own (a crash, not our SIGKILL). */
  crashes: string[];
  stop(): Promise<void>;
}

/** `paygate api|watcher|dispatcher` as separate processes, each logging to `<dir>/<name>.log`. */
export function startServices(env: Record<string, string>, dir: string): Services {
  const running = new Map<ServiceName, PaygateProcess>();
  const killing = new Set<PaygateProcess>();
  const restarts: Record<ServiceName, number> = { api: 0, watcher: 0, dispatcher: 0 };
  const crashes: string[] = [];
  const started = new Set<ServiceName>();

  function start(name: ServiceName): void {
    if (running.has(name)) return;
    const file = join(dir, `${name}.log`);
    const service = startPaygate(name, env, (line) => appendFileSync(file, `${line}\n`));
    running.set(name, service);
    if (started.has(name)) restarts[name]++;
    started.add(name);
    void service.exited.then((code) => {
      if (running.get(name) === service) running.delete(name);
      if (!killing.has(service)) crashes.push(`${name} exited with ${code} (see ${file})`);
    });
  }

  async function kill(name: ServiceName, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const service = running.get(name);
    if (!service) return;
    killing.add(service);
    running.delete(name);
    await service.kill(signal);
  }

  return {
    kill: (name) => kill(name),
    start,
    startAll: () => {
      for (const name of SERVICE_NAMES) start(name);
    },
    restarts,
    crashes,
    async stop() {
      await Promise.all(SERVICE_NAMES.map((name) => kill(name, "SIGTERM")));
    },
  };
}
