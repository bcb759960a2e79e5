import type { Chain } from "@paygate/shared";
import type { Transport } from "viem";
import { createEsploraSource } from "./bitcoin/esplora-source.ts";
import { createNodeSource } from "./bitcoin/node-source.ts";
import { createEvmSource } from "./evm/evm-source.ts";
import { countRequests, rpcTransport } from "./evm/transport.ts";
import type { ChainSource } from "./source.ts";

export class UnsupportedChainError extends Error {
  override name = "UnsupportedChainError";
  constructor(readonly chain: string) {
    super(
      `no watcher backend for chain ${chain}: give it an RPC_URL_ or ESPLORA_URL_ variable or a chain file entry`,
    );
  }
}

export interface SourceOptions {
  /** Replaces the EVM RPC transport (tests put a failing or counting one in). */
  transport?: Transport;
  /** Called per backend request: the JSON-RPC method (EVM, Bitcoin Core) or the Esplora route. */
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
  const backend = chain.bitcoinBackend;
  if (backend?.kind === "node") return createNodeSource(chain, backend.url, { onRequest: options.onRequest });
  if (backend?.kind === "esplora") {
    return createEsploraSource(chain, backend.url, { onRequest: options.onRequest });
  }
  throw new UnsupportedChainError(chain.id);
}
