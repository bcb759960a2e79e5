import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A PAYGATE_CHAINS file with only the anvil chain: ETH and the test token as TUSD. */
export async function writeAnvilChainFile(
  dir: string,
  options: { rpcUrl: string; token: string; pollIntervalMs: number; requiredConfirmations?: number },
): Promise<string> {
  const file = join(dir, "chains.json");
  await writeFile(
    file,
    JSON.stringify({
      chains: {
        anvil: {
          rpc_urls: [options.rpcUrl],
          poll_interval_ms: options.pollIntervalMs,
          ...(options.requiredConfirmations ? { required_confirmations: options.requiredConfirmations } : {}),
          assets: [
            { symbol: "ETH", type: "native", decimals: 18 },
            { symbol: "TUSD", type: "erc20", decimals: 6, contract: options.token },
          ],
        },
      },
    }),
  );
  return file;
}
