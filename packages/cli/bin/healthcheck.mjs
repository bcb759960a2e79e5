#!/usr/bin/env node
// Container health check: exits 0 when a paygate service on this host answers GET /readyz with 200.
// Ports come from the arguments, else the three service ports of the environment (a container runs one of
// them; the others refuse at once). Plain JavaScript: it runs every few seconds and must start fast.
const ports = process.argv.slice(2);
const candidates = ports.length
  ? ports
  : [process.env.PORT ?? "3000", process.env.WATCHER_PORT ?? "3001", process.env.DISPATCHER_PORT ?? "3002"];

const ready = async (port) => {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2500) });
    return response.status === 200;
  } catch {
    return false;
  }
};

const answers = await Promise.all(candidates.map(ready));
process.exit(answers.some(Boolean) ? 0 : 1);
