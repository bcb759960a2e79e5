import { readFileSync } from "node:fs";
import { z } from "zod";
import { redactUrl } from "../logger.ts";
import type { Chain } from "./chain.ts";
import { chainPresets } from "./presets.ts";

/**
 * The operator's chain file (`PAYGATE_CHAINS`): per chain, fields that override a preset, or a whole new chain.
 * Keys are snake_case like the rest of the public JSON.
 */
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");

const assetSchema = z
  .object({
    symbol: z.string().regex(/^[A-Z0-9.]{2,12}$/, "expected an upper-case ticker"),
    type: z.enum(["native", "erc20"]),
    decimals: z.number().int().min(0).max(36),
    contract: address.optional(),
    required_confirmations: z.number().int().min(1).optional(),
    pegged_to: z.string().length(3).optional(),
  })
  .strict()
  .refine((asset) => (asset.type === "erc20") === (asset.contract !== undefined), {
    message: "an erc20 asset needs a contract, a native one must not have one",
  });

const chainOverrideSchema = z
  .object({
    family: z.enum(["evm", "bitcoin"]).optional(),
    chain_id: z.number().int().positive().optional(),
    bitcoin_network: z.enum(["bitcoin", "testnet", "regtest"]).optional(),
    assets: z.array(assetSchema).min(1).optional(),
    required_confirmations: z.number().int().min(1).optional(),
    finality: z.enum(["confirmations", "finalized"]).optional(),
    poll_interval_ms: z.number().int().min(50).optional(),
    rpc_urls: z.array(z.url()).optional(),
    bitcoin_backend: z
      .object({ kind: z.enum(["node", "esplora"]), url: z.url() })
      .strict()
      .optional(),
    max_block_range: z.number().int().min(1).optional(),
    internal_transfers: z.boolean().optional(),
    eip7702: z.boolean().optional(),
  })
  .strict();

export const chainFileSchema = z.object({ chains: z.record(z.string(), chainOverrideSchema) }).strict();
export type ChainFile = z.infer<typeof chainFileSchema>;
type ChainOverride = z.infer<typeof chainOverrideSchema>;

export function readChainFile(path: string): ChainFile {
  return chainFileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
}

/** Presets, then the chain file, then `RPC_URL_<CHAIN>` (comma-separated fallbacks for EVM) / `ESPLORA_URL_<CHAIN>` on top. */
export function resolveChains(file: ChainFile | undefined, env: Record<string, string | undefined>): Chain[] {
  const byId = new Map(chainPresets.map((chain) => [chain.id, structuredClone(chain)]));
  for (const [id, override] of Object.entries(file?.chains ?? {})) {
    byId.set(id, applyOverride(id, byId.get(id), override));
  }
  for (const chain of byId.values()) applyEnvironment(chain, env);
  return [...byId.values()];
}

function applyOverride(id: string, preset: Chain | undefined, override: ChainOverride): Chain {
  const family = override.family ?? preset?.family;
  if (!family) throw new Error(`chain '${id}' is not a preset: its entry needs "family"`);
  if (!preset && !override.assets) throw new Error(`chain '${id}' is not a preset: its entry needs "assets"`);
  if (family === "evm" && !preset && override.chain_id === undefined) {
    throw new Error(`chain '${id}' is not a preset: its entry needs "chain_id"`);
  }
  const base: Chain = preset ?? {
    id,
    family,
    assets: [],
    requiredConfirmations: 1,
    finality: "confirmations",
    pollIntervalMs: 2000,
    rpcUrls: [],
    maxBlockRange: 1000,
    internalTransfers: false,
  };
  return {
    ...base,
    family,
    chainId: override.chain_id ?? base.chainId,
    bitcoinNetwork: override.bitcoin_network ?? base.bitcoinNetwork,
    assets:
      override.assets?.map((asset) => ({
        symbol: asset.symbol,
        type: asset.type,
        decimals: asset.decimals,
        contract: asset.contract as `0x${string}` | undefined,
        requiredConfirmations: asset.required_confirmations,
        peggedTo: asset.pegged_to,
      })) ?? base.assets,
    requiredConfirmations: override.required_confirmations ?? base.requiredConfirmations,
    finality: override.finality ?? base.finality,
    pollIntervalMs: override.poll_interval_ms ?? base.pollIntervalMs,
    rpcUrls: override.rpc_urls ?? base.rpcUrls,
    bitcoinBackend: override.bitcoin_backend ?? base.bitcoinBackend,
    maxBlockRange: override.max_block_range ?? base.maxBlockRange,
    internalTransfers: override.internal_transfers ?? base.internalTransfers,
    eip7702: override.eip7702 ?? base.eip7702,
  };
}

function envKey(chainId: string): string {
  return chainId.toUpperCase().replaceAll("-", "_");
}

function applyEnvironment(chain: Chain, env: Record<string, string | undefined>): void {
  const rpcVariable = `RPC_URL_${envKey(chain.id)}`;
  const esploraVariable = `ESPLORA_URL_${envKey(chain.id)}`;
  const rpc = env[rpcVariable];
  const esplora = env[esploraVariable];
  if (chain.family === "evm" && rpc) chain.rpcUrls = urlList(rpcVariable, rpc);
  if (chain.family === "bitcoin" && rpc)
    chain.bitcoinBackend = { kind: "node", url: oneUrl(rpcVariable, rpc) };
  if (chain.family === "bitcoin" && esplora)
    chain.bitcoinBackend = { kind: "esplora", url: oneUrl(esploraVariable, esplora) };
}

/** A Bitcoin backend has no fallback list: a second URL would be silently unused, so it is refused. */
function oneUrl(variable: string, value: string): string {
  const urls = urlList(variable, value);
  if (urls.length !== 1) {
    throw new Error(
      `${variable}: a Bitcoin chain takes exactly one backend URL (no fallback list), got ${urls.length}`,
    );
  }
  return urls[0]!;
}

/** Comma-separated http(s)/ws(s) URLs; a typo stops the start instead of failing every poll later. */
function urlList(variable: string, value: string): string[] {
  const urls = value
    .split(",")
    .map((url) => url.trim())
    .filter(Boolean);
  for (const url of urls) {
    const protocol = URL.canParse(url) ? new URL(url).protocol : "";
    if (!["http:", "https:", "ws:", "wss:"].includes(protocol)) {
      throw new Error(`${variable}: not an http(s) or ws(s) URL: ${redactUrl(url)}`);
    }
  }
  return urls;
}
