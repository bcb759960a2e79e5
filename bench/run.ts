import { type BenchmarkResult, machine, printTable, writeResult } from "./support/report.ts";

/** `pnpm bench` runs every benchmark in turn; `pnpm bench api watcher` only those named (each loaded when run). */
const benchmarks: Record<string, () => Promise<BenchmarkResult>> = {
  api: async () => (await import("./api.ts")).benchApi(),
  watcher: async () => (await import("./watcher.ts")).benchWatcher(),
  detection: async () => (await import("./detection.ts")).benchDetection(),
  dispatcher: async () => (await import("./dispatcher.ts")).benchDispatcher(),
  sweep: async () => (await import("./sweep.ts")).benchSweep(),
};

const asked = process.argv.slice(2).filter((arg) => arg !== "--");
const unknown = asked.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(benchmarks).join(", ")}\n`,
  );
  process.exit(2);
}
const m = machine();
process.stdout.write(`machine: ${m.nproc} cpu (${m.cpu}), ${m.memoryMb} MB, node ${m.node}\n`);
const missed: string[] = [];
for (const name of asked.length > 0 ? asked : Object.keys(benchmarks)) {
  const result = await benchmarks[name]!();
  printTable(result);
  process.stdout.write(`\n-> ${await writeResult(result)}\n`);
  missed.push(...result.rows.filter((row) => row.pass === false).map((row) => `${name}: ${row.metric}`));
}
// a missed target is reported, not fatal: absolute figures on a shared machine drift from run to run
process.stdout.write(
  missed.length > 0 ? `\ntargets missed:\n  ${missed.join("\n  ")}\n` : "\nall targets met\n",
);
// explicit: a client a benchmark left behind must not keep the process alive
process.exit(0);
