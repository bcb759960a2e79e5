import { createAnvilNode } from "@paygate/testkit/anvil";

/** Anvil's default chain id, which the `anvil` chain preset expects. */
export const ANVIL_CHAIN_ID = 31337;

export interface DevAnvil {
  rpcUrl: string;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  override name = "PortInUseError";
}

/**
 * A fresh Anvil chain from the bundled binary, funded dev accounts from the public mnemonic. `blockTime` 0 mines
 * one block per transaction; otherwise a block every `blockTime` seconds, so confirmations add up on their own
 * (a wallet paying the checkout page sees its payment confirm without anyone mining).
 */
export async function startDevAnvil(options: {
  port: number;
  blockTime: number;
  chainId: number;
}): Promise<DevAnvil> {
  const node = createAnvilNode({
    port: options.port,
    host: "127.0.0.1",
    chainId: options.chainId,
    blockTime: options.blockTime > 0 ? options.blockTime : undefined,
  });
  // Ctrl-C in a terminal reaches Anvil too (same process group): it may be gone before we stop it.
  let exited = false;
  node.on("exit", () => {
    exited = true;
  });
  try {
    await node.start();
  } catch (error) {
    if (/address already in use/i.test(String(error)))
      throw new PortInUseError(
        `port ${options.port} is in use (another \`paygate dev\`?): pass --anvil-port`,
      );
    throw error;
  }
  return {
    rpcUrl: `http://127.0.0.1:${options.port}`,
    async stop() {
      if (!exited) await node.stop();
    },
  };
}
