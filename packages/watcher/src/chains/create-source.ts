import type { Chain } from "@paygate/shared";
import type { Transport } from "viem";
import { createEvmSource } from "./evm/evm-source.ts";
import { countRequests, rpcTransport } from "./evm/transport.ts";
import type { ChainSource } from "./source.ts";

export class UnsupportedChainError extends Error {
  override name = "UnsupportedChainError";
  constructor(readonly chain: string) {
    super(`no watcher backend for chain ${chain} yet`);
  }
}

export interface SourceOptions {
  /** Replaces the RPC transport (tests put a failing or counting one in). */
  transport?: Transport;
  onRequest?: (method: string) => void;
}

/** The chain family picks the backend; everything above it is shared. */
export function createChainSource(chain: Chain, options: SourceOptions = {}): ChainSource {
  if (chain.family === "evm") {
    const transport = options.transport ?? rpcTransport(chain.rpcUrls);
    return createEvmSource(
      chain,
      options.onRequest ? countRequests(transport, options.onRequest) : transport,
    );
  }
  throw new UnsupportedChainError(chain.id);
}
