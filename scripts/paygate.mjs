// `pnpm paygate`, `pnpm dev` and `pnpm demo` from a checkout: build the workspace (incremental: about a second
// when nothing changed), then run the compiled CLI in this same process. One process under pnpm, no shell chain:
// with `tsc -b ... && node ...` the script's shell died of a terminal's Ctrl-C before the CLI finished its
// graceful stop, and pnpm reported a failure.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const projects = readdirSync(join(root, "packages"))
  .map((name) => join("packages", name, "tsconfig.build.json"))
  .filter((project) => existsSync(join(root, project)));
execFileSync("tsc", ["-b", ...projects], { cwd: root, stdio: "inherit" });
await import("../packages/cli/bin/paygate.mjs");
