import type { DispatcherOptions } from "@paygate/dispatcher";
import type { IntentObject } from "@paygate/shared";
import type { WatcherOptions } from "@paygate/watcher";
import {
  type Account,
  encodeFunctionData,
  type Hash,
  type Hex,
  parseAbi,
  parseEther,
  parseUnits,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { type StartAnvilOptions, startAnvil, type TestAnvil } from "../anvil/index.ts";
import { deployTestToken, type TestToken } from "../contracts.ts";
import { type Gateway, startGateway } from "./gateway.ts";

/**
 * The whole gateway (`gateway.ts`) on a real Anvil, with the test token configured as `TUSD`, a merchant whose
 * EVM wallet is the Anvil account xpub, and a payer account of its own funded with ETH and TUSD.
 */
export interface StackOptions {
  anvil?: StartAnvilOptions;
  merchant?: { toleranceBps?: number; monitoringWindowS?: number; evmXpub?: string };
  /** More assets for the anvil chain (snake_case entries), deployed on the fresh node before the gateway starts. */
  extraAssets?: (anvil: TestAnvil) => Promise<Record<string, unknown>[]>;
  /** Extra fields of the anvil entry in the chain file (snake_case, as operators write it). */
  chain?: Record<string, unknown>;
  /** The RPC URL(s) the gateway uses (default: Anvil's own; S14 puts a failing proxy in between). */
  rpcUrl?: (anvil: TestAnvil) => string | string[];
  /** `false`: start without a watcher (`startWatcher()` later). */
  watcher?: Partial<WatcherOptions> | false;
  dispatcher?: Partial<DispatcherOptions> | false;
  env?: Record<string, string>;
}

export type Asset = "ETH" | "TUSD";

export interface Payment {
  hash: Hash;
  /** The signed transaction, to send again after a reorg dropped it. */
  raw: Hex;
  blockNumber: bigint;
  status: "success" | "reverted";
}

export interface Stack extends Gateway {
  anvil: TestAnvil;
  token: TestToken;
  /** POST /v1/payment-intents (currency defaults to the asset, chain to anvil); expects 201. */
  createIntent(body: { amount: string; asset?: Asset } & Record<string, unknown>): Promise<IntentObject>;
  /**
   * Sends `amount` (a decimal in asset units) and waits until it is mined. The payer is an account of its own
   * (funded with ETH and TUSD): the merchant's deposit addresses are the dev accounts, so those must not pay.
   */
  pay(
    to: string,
    amount: string,
    options?: { asset?: Asset; from?: Account; gas?: bigint },
  ): Promise<Payment>;
  /** Sends a signed transaction again (after a reorg dropped it) and waits until it is mined. */
  resend(raw: Hex): Promise<Payment>;
  payer: Account;
  mine(blocks: number): Promise<bigint>;
}

const erc20 = parseAbi(["function transfer(address to, uint256 amount) returns (bool)"]);
const decimalsOf: Record<Asset, number> = { ETH: 18, TUSD: 6 };

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const anvil = await startAnvil(options.anvil);
  const token = await deployTestToken(anvil);
  const payer = privateKeyToAccount(generatePrivateKey());
  await anvil.testClient.setBalance({ address: payer.address, value: parseEther("10000") });
  await anvil.publicClient.waitForTransactionReceipt({ hash: await token.mint(payer.address, 10n ** 15n) });
  const extraAssets = (await options.extraAssets?.(anvil)) ?? [];

  const gateway = await startGateway({
    chain: "anvil",
    chainFile: {
      anvil: {
        rpc_urls: [options.rpcUrl?.(anvil) ?? anvil.rpcUrl].flat(),
        poll_interval_ms: 100,
        assets: [
          { symbol: "ETH", type: "native", decimals: 18 },
          { symbol: "TUSD", type: "erc20", decimals: 6, contract: token.address },
          ...extraAssets,
        ],
        ...options.chain,
      },
    },
    env: { RATES_FIXED: "ETH:USD=3000", ...options.env },
    merchant: options.merchant,
    watcher: options.watcher,
    dispatcher: options.dispatcher,
    head: () => anvil.publicClient.getBlockNumber({ cacheTime: 0 }),
    stopChain: () => anvil.stop(),
  });

  // the gateway object itself, so its `watcher` getter stays live
  const stack: Stack = Object.assign(gateway, {
    anvil,
    token,
    payer,

    async createIntent(body: { amount: string; asset?: Asset } & Record<string, unknown>) {
      const asset = body.asset ?? "ETH";
      const created = await gateway.request("POST", "/v1/payment-intents", {
        body: { currency: asset, chain: "anvil", ...body, asset },
      });
      if (created.status !== 201)
        throw new Error(`intent creation failed (${created.status}): ${created.text}`);
      return created.body as IntentObject;
    },

    async pay(to: string, amount: string, payOptions: { asset?: Asset; from?: Account; gas?: bigint } = {}) {
      const asset = payOptions.asset ?? "ETH";
      const account = payOptions.from ?? payer;
      const units = parseUnits(amount, decimalsOf[asset]);
      const call =
        asset === "ETH"
          ? { to: to as Hex, value: units }
          : {
              to: token.address,
              data: encodeFunctionData({ abi: erc20, functionName: "transfer", args: [to as Hex, units] }),
            };
      const prepared = await anvil.walletClient.prepareTransactionRequest({
        account,
        gas: payOptions.gas,
        ...call,
      });
      return stack.resend(await anvil.walletClient.signTransaction(prepared));
    },

    async resend(raw: Hex): Promise<Payment> {
      const hash = await anvil.walletClient.sendRawTransaction({ serializedTransaction: raw });
      const receipt = await anvil.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      return { hash, raw, blockNumber: receipt.blockNumber, status: receipt.status };
    },

    async mine(blocks: number) {
      await anvil.mine(blocks);
      return anvil.publicClient.getBlockNumber({ cacheTime: 0 });
    },
  });
  return stack;
}
