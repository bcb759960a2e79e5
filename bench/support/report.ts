import { mkdir, writeFile } from "node:fs/promises";
import { cpus, freemem, totalmem } from "node:os";
import { join } from "node:path";

/** One row of a benchmark table: the measured figure, its baseline from the same run, and the target. */
export interface Row {
  metric: string;
  value: number;
  unit: string;
  /** The same figure for the baseline, measured in this run. */
  baseline?: number;
  /** `value / baseline`, or whatever ratio the target is written against. */
  ratio?: number;
  /** The target in words (`>= 1000`, `<= 50 ms`, `>= 20% of bare`). */
  target?: string;
  pass?: boolean;
}

export interface BenchmarkResult {
  name: string;
  rows: Row[];
  notes?: string[];
}

export interface Machine {
  nproc: number;
  cpu: string;
  memoryMb: number;
  freeMemoryMb: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memoryMb: Math.round(totalmem() / 2 ** 20),
    freeMemoryMb: Math.round(freemem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** `value / baseline`, rounded for the table; undefined without a baseline. */
export function ratioOf(value: number, baseline: number | undefined): number | undefined {
  if (baseline === undefined || baseline === 0) return undefined;
  return Math.round((value / baseline) * 1000) / 1000;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

const figure = (value: number | undefined) =>
  value === undefined ? "" : Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);

export function printTable(result: BenchmarkResult): void {
  const header = ["metric", "value", "unit", "baseline", "ratio", "target", "ok"];
  const lines = result.rows.map((row) => [
    row.metric,
    figure(row.value),
    row.unit,
    figure(row.baseline),
    figure(row.ratio),
    row.target ?? "",
    row.pass === undefined ? "" : row.pass ? "yes" : "NO",
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const render = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  process.stdout.write(`\n## ${result.name}\n\n`);
  process.stdout.write(`${render(header)}\n|${widths.map((w) => "-".repeat(w + 2)).join("|")}|\n`);
  for (const line of lines) process.stdout.write(`${render(line)}\n`);
  for (const note of result.notes ?? []) process.stdout.write(`\n${note}\n`);
}

/** Writes `bench/results/<name>-<timestamp>.json` (gitignored) with the machine beside the figures. */
export async function writeResult(result: BenchmarkResult): Promise<string> {
  const dir = join(import.meta.dirname, "..", "results");
  await mkdir(dir, { recursive: true });
  const at = new Date().toISOString();
  const file = join(dir, `${result.name}-${at.replace(/[:.]/g, "-")}.json`);
  await writeFile(file, `${JSON.stringify({ ...result, at, machine: machine() }, null, 2)}\n`);
  return file;
}
