import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SimulatorControl } from "../bitcoin/dev-bitcoin.ts";

/**
 * What a running `paygate dev` tells `paygate demo` and `paygate pay`: where things listen and the demo key. One file per API port,
 * readable by this user only, removed on shutdown.
 */
export interface DevSession {
  pid: number;
  apiUrl: string;
  apiKey: string;
  rpcUrl: string;
  chainId: number;
  merchantId: string;
  /** Set with `--bitcoin`: the simulated bitcoin-regtest chain's wallet, for `paygate pay`. */
  bitcoinSimulator?: SimulatorControl;
}

export const devSessionPath = (apiPort: number) => join(tmpdir(), `paygate-dev-${apiPort}.json`);

export async function writeDevSession(path: string, session: DevSession): Promise<void> {
  await writeFile(path, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
}

export async function readDevSession(path: string): Promise<DevSession | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as DevSession;
  } catch {
    return undefined;
  }
}

export async function removeDevSession(path: string): Promise<void> {
  await rm(path, { force: true });
}
