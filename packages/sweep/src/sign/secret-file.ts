import { readFileSync, statSync } from "node:fs";
import { SweepError } from "../errors.ts";

/**
 * Reads a mnemonic, passphrase or key file, refusing it (as ssh refuses a private key) when any group or other
 * permission bit is set. The content is returned trimmed and never echoed, not even in an error.
 */
export function readSecretFile(path: string, what: string): string {
  const mode = statSync(path).mode;
  if ((mode & 0o077) !== 0) {
    throw new SweepError(
      "secret_file_readable",
      `${what} file ${path} is accessible by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`,
    );
  }
  return readFileSync(path, "utf8").trim();
}
