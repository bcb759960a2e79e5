import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Vitest global setup: `pnpm build` (incremental, about a second when nothing changed) before any test file. */
export default function setup(): void {
  execFileSync("pnpm", ["-s", "build"], { cwd: root, stdio: "inherit" });
}
