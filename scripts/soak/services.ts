import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { type PaygateProcess, startPaygate } from "../../bench/support/paygate-process.ts";

export type ServiceRole = "api" | "watcher" | "dispatcher";
export const SERVICE_ROLES: readonly ServiceRole[] = ["api", "watcher", "dispatcher"];

/** One process of a role, e.g. `api-2`, with what its environment adds to the shared one (its ports). */
export interface ServiceInstance {
  name: string;
  role: ServiceRole;
  env: Record<string, string>;
}

export interface Services {
  instances: readonly ServiceInstance[];
  /** SIGKILL, as an OOM killer or a lost node does it; the process is down until `start`. */
  kill(name: string): Promise<void>;
  start(name: string): void;
  /** Starts whatever is down. */
  startAll(): void;
  /** Restarts so far, by instance (the first start not counted). */
  restarts: Record<string, number>;
  /** Processes that exited on their own (a crash, not our SIGKILL). */
  crashes: string[];
  stop(): Promise<void>;
}

/**
 * `paygate api|watcher|dispatcher` as separate processes sharing one database and one Redis, each instance
 * logging to `<dir>/<name>.log`. Several instances of a role run side by side as an operator scales out.
 */
export function startServices(
  env: Record<string, string>,
  instances: readonly ServiceInstance[],
  dir: string,
): Services {
  const running = new Map<string, PaygateProcess>();
  const killing = new Set<PaygateProcess>();
  const restarts: Record<string, number> = Object.fromEntries(instances.map(({ name }) => [name, 0]));
  const crashes: string[] = [];
  const started = new Set<string>();
  const byName = new Map(instances.map((instance) => [instance.name, instance]));

  function start(name: string): void {
    const instance = byName.get(name);
    if (!instance) throw new Error(`no service instance ${name}`);
    if (running.has(name)) return;
    const file = join(dir, `${name}.log`);
    const service = startPaygate(instance.role, { ...env, ...instance.env }, (line) =>
      appendFileSync(file, `${line}\n`),
    );
    running.set(name, service);
    if (started.has(name)) restarts[name]!++;
    started.add(name);
    void service.exited.then((code) => {
      if (running.get(name) === service) running.delete(name);
      if (!killing.has(service)) crashes.push(`${name} exited with ${code} (see ${file})`);
    });
  }

  async function kill(name: string, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const service = running.get(name);
    if (!service) return;
    killing.add(service);
    running.delete(name);
    await service.kill(signal);
  }

  return {
    instances,
    kill: (name) => kill(name),
    start,
    startAll: () => {
      for (const { name } of instances) start(name);
    },
    restarts,
    crashes,
    async stop() {
      await Promise.all(instances.map(({ name }) => kill(name, "SIGTERM")));
    },
  };
}
