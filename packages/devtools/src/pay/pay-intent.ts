import type { IntentObject } from "@paygate/shared";
import { type Address, formatUnits } from "viem";
import { ANVIL_CHAIN_ID } from "../anvil/dev-anvil.ts";
import { devChain } from "../anvil/dev-chain.ts";
import { apiClient } from "../api/api-client.ts";
import { DEV_BITCOIN_CHAIN, payFromSimulator, type SimulatorControl } from "../bitcoin/dev-bitcoin.ts";
import { amountToPay } from "./payment-amount.ts";

/** `pay` only ever spends on a local dev chain; a real network is paid from a real wallet. */
export class NotADevChainError extends Error {
  override name = "NotADevChainError";
  readonly code = "chain_not_supported";
}

export interface PayRequest {
  intentId: string;
  /** Decimal in the intent's asset; default what is still due. */
  amount?: string;
  /** Move the chain's clock past the intent's expiry first (Anvil only). */
  late: boolean;
  apiUrl: string;
  /** The merchant's API key: the intent is read over the REST API, as its merchant sees it. */
  apiKey: string;
  /** Anvil's JSON-RPC. */
  rpcUrl: string;
  /** A running `paygate dev --bitcoin`'s simulator, for bitcoin-regtest intents. */
  bitcoinSimulator?: SimulatorControl;
}

/** What `pay` sent. `block` is null for a Bitcoin payment, which waits in the mempool for the next block. */
export interface SentPayment {
  intent: string;
  chain: string;
  asset: string;
  amount: string;
  from: string;
  to: string;
  txHash: string;
  block: bigint | null;
  /** With `late`: the chain's time (ISO) when the payment was sent, past `expires_at`. */
  chainTime?: string;
}

interface AssetEntry {
  chain: string;
  asset: string;
  type: "native" | "erc20";
  decimals: number;
  contract?: Address;
}

/** Pays an intent from a funded dev account: on Anvil in ETH or the intent's ERC-20, on the Bitcoin simulator. */
export async function payIntent(request: PayRequest): Promise<SentPayment> {
  const api = apiClient(request.apiUrl, request.apiKey);
  const intent = await api.request<IntentObject>(
    "GET",
    `/v1/payment-intents/${encodeURIComponent(request.intentId)}`,
  );
  const assets = await api.request<{ data: AssetEntry[] }>("GET", "/v1/assets");
  const asset = assets.data.find((entry) => entry.chain === intent.chain && entry.asset === intent.asset);
  if (!asset)
    throw new NotADevChainError(`${intent.chain} ${intent.asset} is not offered by ${request.apiUrl}`);
  const units = amountToPay(intent, asset.decimals, request.amount);
  const sent = {
    intent: intent.id,
    chain: intent.chain,
    asset: intent.asset,
    amount: formatUnits(units, asset.decimals),
    to: intent.address,
  };

  if (intent.chain === DEV_BITCOIN_CHAIN) {
    if (!request.bitcoinSimulator)
      throw new NotADevChainError(
        `${intent.id} is on ${DEV_BITCOIN_CHAIN}: pay pays it only through \`pnpm dev --bitcoin\`'s simulator, ` +
          "and no such dev session runs on this API port",
      );
    if (request.late)
      throw new NotADevChainError(
        "--late works on anvil only: a Bitcoin payment is on time by when it is first seen, on the wall clock",
      );
    const payment = await payFromSimulator(request.bitcoinSimulator, intent.address, units);
    return { ...sent, from: payment.from, txHash: payment.txid, block: null };
  }

  if (intent.chain !== "anvil")
    throw new NotADevChainError(
      `${intent.id} is on ${intent.chain}: pay spends on the local dev chains only (anvil, ${DEV_BITCOIN_CHAIN} ` +
        "under `pnpm dev --bitcoin`); pay a real network from a real wallet",
    );
  const chain = devChain(request.rpcUrl, ANVIL_CHAIN_ID);
  const chainId = await chain.chainId();
  if (chainId !== ANVIL_CHAIN_ID)
    throw new NotADevChainError(
      `${request.rpcUrl} serves chain id ${chainId}, not Anvil's ${ANVIL_CHAIN_ID}: refused`,
    );
  let chainTime: string | undefined;
  if (request.late) {
    const seconds = await chain.passTime(Math.floor(Date.parse(intent.expires_at) / 1000));
    chainTime = new Date(Number(seconds) * 1000).toISOString();
  }
  const to = intent.address as Address;
  const transfer =
    asset.type === "erc20" && asset.contract
      ? await chain.payToken(asset.contract, to, units, asset.asset)
      : await chain.pay(to, units);
  return {
    ...sent,
    from: transfer.from,
    txHash: transfer.hash,
    block: transfer.blockNumber,
    ...(chainTime ? { chainTime } : {}),
  };
}
