import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { CreateAnvilOptions } from "@viem/anvil";
import {
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type HDAccount,
  type Hex,
  type HttpTransport,
  http,
  type PublicClient,
  type TestClient,
  type WalletClient,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { freePort } from "../ports.ts";
import { type AnvilNode, createAnvilNode } from "./anvil-node.ts";
import { ANVIL_MNEMONIC } from "./dev-accounts.ts";

export interface StartAnvilOptions {
  /** Seconds between interval-mined blocks; without it Anvil mines one block per transaction. */
  blockTime?: number;
  chainId?: number;
  /** Extra `@viem/anvil` options (camelCase, turned into `--kebab-case` flags); they win over ours. */
  args?: Record<string, unknown>;
}

export interface TestAnvil {
  rpcUrl: string;
  port: number;
  chainId: number;
  chain: Chain;
  publicClient: PublicClient<HttpTransport, Chain>;
  testClient: TestClient<"anvil", HttpTransport, Chain>;
  /** Signs locally as `accounts[0]`; pass another of `accounts` as `account` to send from it. */
  walletClient: WalletClient<HttpTransport, Chain, HDAccount>;
  /** The first five funded dev accounts. */
  accounts: readonly HDAccount[];
  mine(blocks: number): Promise<void>;
  /**
   * Replaces the newest `depth` blocks with new ones (same height, new hashes). Their transactions are
   * dropped, not re-queued; `include` puts signed transactions into the new blocks, `offset` 0 being the
   * first new block.
   */
  reorg(depth: number, include?: readonly { tx: Hex; offset: number }[]): Promise<void>;
  /** Drops the newest `depth` blocks; the height goes down. */
  rollback(depth: number): Promise<void>;
  /** Stops the node, keeping a copy of its chain (blocks, receipts, balances) in memory for `start()`. */
  stop(): Promise<void>;
  /** Starts the node again on the same port with the chain as `stop()` left it. */
  start(): Promise<void>;
}

/** A fresh Anvil node on a port of its own. Call `stop()` when done. */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<TestAnvil> {
  const chainId = options.chainId ?? 31337;
  const create = (port: number, loadState?: string) =>
    createAnvilNode({
      port,
      chainId,
      blockTime: options.blockTime,
      loadState,
      ...(options.args as CreateAnvilOptions | undefined),
    });
  let node = await listen(create);
  const port = node.port;
  const rpcUrl = `http://127.0.0.1:${port}`;
  const chain = defineChain({
    id: chainId,
    name: "Anvil",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  // viem polls every 4 s for chains it knows nothing about; tests want answers in milliseconds.
  const clientOptions = { chain, transport: http(rpcUrl), pollingInterval: 50, cacheTime: 0 };
  const accounts = [0, 1, 2, 3, 4].map((addressIndex) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex }));
  const testClient = createTestClient({ ...clientOptions, mode: "anvil" });
  let saved: Buffer | undefined;
  return {
    rpcUrl,
    port,
    chainId,
    chain,
    publicClient: createPublicClient(clientOptions),
    testClient,
    walletClient: createWalletClient({ ...clientOptions, account: accounts[0]! }),
    accounts,
    mine: (blocks) => testClient.mine({ blocks }),
    // Anvil wants plain JSON integers here; hex quantities are rejected. Neither call is idempotent: a slow one
    // that viem retried after its timeout reorged twice and left Anvil without blocks below its head (soak), so
    // they are sent once.
    async reorg(depth, include = []) {
      await testClient.request<{
        Method: "anvil_reorg";
        Parameters: [number, [Hex, number][]];
        ReturnType: null;
      }>(
        { method: "anvil_reorg", params: [depth, include.map(({ tx, offset }) => [tx, offset])] },
        { retryCount: 0 },
      );
    },
    async rollback(depth) {
      await testClient.request<{ Method: "anvil_rollback"; Parameters: [number]; ReturnType: null }>(
        { method: "anvil_rollback", params: [depth] },
        { retryCount: 0 },
      );
    },
    async stop() {
      if (node.status !== "listening") return;
      // No interval-mined block may slip in between the dump and the exit.
      await testClient.setIntervalMining({ interval: 0 });
      saved = gunzipSync(Buffer.from((await testClient.dumpState()).slice(2), "hex"));
      await node.stop();
    },
    async start() {
      if (node.status !== "idle" || saved === undefined)
        throw new Error(`Anvil on port ${port} was not stopped`);
      // The state goes in by file so the node is never seen answering with an empty chain.
      const dir = await mkdtemp(join(tmpdir(), "paygate-anvil-"));
      try {
        const file = join(dir, "state.json");
        await writeFile(file, saved);
        node = create(port, file);
        await node.start();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Starts a node on a free port, trying another port if a parallel test grabbed ours first. */
async function listen(create: (port: number) => AnvilNode): Promise<AnvilNode> {
  for (let attempt = 1; ; attempt++) {
    const node = create(await freePort());
    try {
      await node.start();
      return node;
    } catch (error) {
      if (attempt >= 5 || !/address already in use/i.test(String(error))) throw error;
    }
  }
}
