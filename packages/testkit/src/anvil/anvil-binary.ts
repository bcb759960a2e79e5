import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The platform binary that `@foundry-rs/anvil` installs as an optional dependency of its own (no global Foundry
 * install). Resolved from this package, the only one that declares `@foundry-rs/anvil`.
 */
export function anvilBinary(): string {
  const arches: Record<string, string> = { x64: "amd64", arm64: "arm64" };
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${arches[process.arch] ?? process.arch}`;
  const here = createRequire(import.meta.url);
  const places = [here];
  try {
    places.push(createRequire(here.resolve("@foundry-rs/anvil/package.json")));
  } catch {
    // The wrapper package is absent; only a directly installed platform package can help.
  }
  for (const place of places) {
    try {
      const binary = join(dirname(place.resolve(`${platformPackage}/package.json`)), "bin", "anvil");
      if (existsSync(binary)) return binary;
    } catch {
      // Try the next place.
    }
  }
  throw new Error(
    `Anvil binary not found: ${platformPackage} is missing or has no bin/anvil. Run \`pnpm install\` ` +
      "(it is an optional dependency of @foundry-rs/anvil).",
  );
}
