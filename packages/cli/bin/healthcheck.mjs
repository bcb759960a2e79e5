#!/usr/bin/env node
// Container health check: exits 0 when a paygate service on this host answers GET /readyz with 200 on its ops
// port (bound to 127.0.0.1 by default, which is where this runs: inside the service's container).
// Ports come from the arguments, else the three ops ports of the environment (a container runs one of
// them; the others refuse at once). Plain JavaScript: it runs every few seconds and must start fast.
const ports = process.argv.slice(2);
const candidates = ports.length
  ? ports
  : [
      process.env.API_OPS_PORT ?? "3003",
      process.env.WATCHER_PORT ?? "3001",
      process.env.DISPATCHER_PORT ?? "3002",
    ];

// OPS_HOST as the services bind it; a wildcard is reached on loopback
const bound = process.env.OPS_HOST ?? "127.0.0.1";
const host = ["0.0.0.0", "::"].includes(bound) ? "127.0.0.1" : bound.includes(":") ? `[${bound}]` : bound;

const ready = async (port) => {
  try {
    const response = await fetch(`http://${host}:${port}/readyz`, { signal: AbortSignal.timeout(2500) });
    return response.status === 200;
  } catch {
    return false;
  }
};

const answers = await Promise.all(candidates.map(ready));
process.exit(answers.some(Boolean) ? 0 : 1);
