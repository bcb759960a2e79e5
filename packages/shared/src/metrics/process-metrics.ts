import { collectDefaultMetrics, Registry } from "prom-client";

let processRegistry: Registry | undefined;

/**
 * Node's own metrics (CPU, memory, event loop lag, GC), in a registry of their own. They describe the process,
 * not a service, and prom-client starts observers per call, so one registry serves every service the process
 * runs (`paygate dev` runs three).
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: "paygate_" });
  }
  return processRegistry;
}

/** What a service's `/metrics` answers: its own metrics and the process's. */
export function withProcessMetrics(own: Registry): Registry {
  return Registry.merge([processMetrics(), own]);
}
