import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  apiClient,
  createTestDatabase,
  createTestMerchant,
  deployTestToken,
  freePort,
  startAnvil,
  until,
} from "@paygate/testkit/helpers";
import {
  createPublicClient,
  encodeFunctionData,
  type Hex,
  http,
  parseAbi,
  parseAbiItem,
  parseEther,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { startApi } from "../packages/api/src/index.ts";
import { createLogger, loadConfig } from "../packages/shared/src/index.ts";
import { startWatcher } from "../packages/watcher/src/index.ts";
import { writeAnvilChainFile } from "./support/chain-file.ts";
import { insertUnpaidIntents, scannedNumber, walletOf } from "./support/fixtures.ts";
import { startPaygate } from "./support/paygate-process.ts";
import { type BenchmarkResult, type Row, ratioOf } from "./support/report.ts";
import { startRpcProxy } from "./support/rpc-proxy.ts";

/**
 * Watcher cost: RPC calls per block while following the head with 10, 10,000 and 1,000,000 watched addresses
 * (a `paygate watcher` process behind a counting proxy, its RSS read from /proc), and catch-up over 5,000 Anvil
 * blocks holding 1,000 payments, next to a bare viem loop fetching the same blocks and logs.
 */
const SIZES = (process.env.BENCH_WATCHER_SIZES ?? "10,10000,1000000").split(",").map(Number);
const FOLLOWED_BLOCKS = 30;
const CATCH_UP_BLOCKS = Number(process.env.BENCH_WATCHER_BLOCKS ?? 5000);
const CATCH_UP_PAYMENTS = Number(process.env.BENCH_WATCHER_PAYMENTS ?? 1000);
const POLL_MS = 250;

export async function benchWatcher(): Promise<BenchmarkResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  await followingCost(rows, notes);
  await catchUp(rows, notes);
  return { name: "watcher", rows, notes };
}

async function followingCost(rows: Row[], notes: string[]): Promise<void> {
  const anvil = await startAnvil();
  const token = await deployTestToken(anvil);
  const database = await createTestDatabase();
  const proxy = await startRpcProxy(anvil.rpcUrl);
  const dir = await mkdtemp(join(tmpdir(), "paygate-bench-"));
  try {
    const merchant = await createTestMerchant(database.db);
    const wallet = await walletOf(database.db, merchant.merchantId);
    const env = {
      DATABASE_URL: database.url,
      PAYGATE_ENV: "test",
      LOG_LEVEL: "warn",
      WATCHER_PORT: String(await freePort()),
      PAYGATE_CHAINS: await writeAnvilChainFile(dir, {
        rpcUrl: proxy.url,
        token: token.address,
        pollIntervalMs: POLL_MS,
      }),
    };
    let have = 0;
    let perBlockAtFewest: number | undefined;
    let rssAtFewest: number | undefined;
    for (const size of SIZES) {
      const loadStarted = performance.now();
      await insertUnpaidIntents(database.url, wallet, have + 1, size);
      have = size;
      const insertS = (performance.now() - loadStarted) / 1000;
      const watcher = startPaygate("watcher", env, (line) => process.stderr.write(`watcher: ${line}\n`));
      try {
        const startedAt = performance.now();
        // a new block proves this process scans (the checkpoint may be the previous process's)
        await anvil.mine(1);
        await followedTo(database.db, await anvil.publicClient.getBlockNumber({ cacheTime: 0 }), 300_000);
        const startS = (performance.now() - startedAt) / 1000;
        proxy.reset();
        for (let i = 0; i < FOLLOWED_BLOCKS; i++) {
          await anvil.mine(1);
          await followedTo(database.db, await anvil.publicClient.getBlockNumber({ cacheTime: 0 }), 10_000);
        }
        const perBlock = proxy.total() / FOLLOWED_BLOCKS;
        perBlockAtFewest ??= perBlock;
        const rss = await watcher.rssMb();
        rows.push({
          metric: `RPC calls/block, ${size.toLocaleString("en")} watched`,
          value: perBlock,
          unit: "calls",
          baseline: perBlockAtFewest,
          ratio: ratioOf(perBlock, perBlockAtFewest),
          target: "<= 3, equal",
          pass: perBlock <= 3 && perBlock === perBlockAtFewest,
        });
        rssAtFewest ??= rss;
        rows.push({
          metric: `watcher RSS, ${size.toLocaleString("en")} watched`,
          value: rss,
          unit: "MB",
          baseline: rssAtFewest,
          ratio: ratioOf(rss, rssAtFewest),
          ...(size >= 1_000_000 ? { target: "<= 400 MB", pass: rss <= 400 } : {}),
        });
        notes.push(
          `${size.toLocaleString("en")} watched: inserted in ${insertS.toFixed(1)} s, watcher at head ${startS.toFixed(1)} s after start; calls by method: ${JSON.stringify(Object.fromEntries(proxy.calls))}`,
        );
      } finally {
        await watcher.kill("SIGTERM");
      }
    }
  } finally {
    await proxy.close();
    await anvil.stop();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function followedTo(db: Parameters<typeof scannedNumber>[0], head: bigint, timeoutMs: number) {
  await until(async () => ((await scannedNumber(db)) ?? -1n) >= head, {
    timeoutMs,
    intervalMs: 10,
    message: `the watcher to scan block ${head}`,
  });
}

const erc20 = parseAbi(["function transfer(address to, uint256 amount) returns (bool)"]);
const transferEvent = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");

async function catchUp(rows: Row[], notes: string[]): Promise<void> {
  const anvil = await startAnvil();
  const token = await deployTestToken(anvil);
  const database = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), "paygate-bench-"));
  const logger = createLogger({ level: "silent" });
  try {
    const config = loadConfig({
      DATABASE_URL: database.url,
      PAYGATE_ENV: "test",
      PORT: "0",
      API_OPS_PORT: "0",
      LOG_LEVEL: "silent",
      RATES_PROVIDER: "fixed",
      RATES_FIXED: "ETH:USD=3000",
      PAYGATE_CHAINS: await writeAnvilChainFile(dir, {
        rpcUrl: anvil.rpcUrl,
        token: token.address,
        pollIntervalMs: POLL_MS,
      }),
    });
    const merchant = await createTestMerchant(database.db);
    const api = await startApi(config, { logger, rateLimit: { limit: 1_000_000, windowMs: 1000 } });
    const request = apiClient(api.url, merchant.apiKey);
    const intents: { address: Hex; asset: string }[] = [];
    for (let i = 0; i < CATCH_UP_PAYMENTS; i++) {
      const asset = i % 2 === 0 ? "ETH" : "TUSD";
      const created = await request("POST", "/v1/payment-intents", {
        body: { amount: "1", currency: asset, asset, chain: "anvil" },
      });
      if (created.status !== 201) throw new Error(`intent creation failed: ${created.text}`);
      intents.push({ address: created.body.address, asset });
    }
    await api.close();

    // the payer is an account of its own: the merchant's deposit addresses are the funded dev accounts
    const payer = privateKeyToAccount(generatePrivateKey());
    await anvil.testClient.setBalance({ address: payer.address, value: parseEther("100000") });
    await anvil.publicClient.waitForTransactionReceipt({ hash: await token.mint(payer.address, 10n ** 15n) });
    const first = (await anvil.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n;
    let nonce = await anvil.publicClient.getTransactionCount({ address: payer.address });
    const gapPerPayment = Math.max(0, Math.floor(CATCH_UP_BLOCKS / CATCH_UP_PAYMENTS) - 1);
    for (const [i, intent] of intents.entries()) {
      const call =
        intent.asset === "ETH"
          ? { to: intent.address, value: 10n ** 18n }
          : { to: token.address, data: encodeTransfer(intent.address, 1_000_000n) };
      await anvil.walletClient.sendTransaction({ account: payer, nonce: nonce++, gas: 100_000n, ...call });
      // scattered: 0 to twice the average gap of empty blocks after each payment
      const gap = (i * 7919) % (2 * gapPerPayment + 1);
      if (gap > 0) await anvil.mine(gap);
    }
    const head = await anvil.publicClient.getBlockNumber({ cacheTime: 0 });
    const last = first + BigInt(CATCH_UP_BLOCKS) - 1n;
    for (let left = Number(last - head); left > 0; left -= 500) await anvil.mine(Math.min(500, left));
    const blocks = Number(last - first + 1n);

    const bareFirst = await bareLoop(anvil.rpcUrl, token.address, first, last);
    const startedAt = performance.now();
    const watcher = await startWatcher(config, { logger, db: database.db, startBlock: first });
    await followedTo(database.db, last, 600_000);
    const watcherMs = performance.now() - startedAt;
    await watcher.stop();
    const bareSecond = await bareLoop(anvil.rpcUrl, token.address, first, last);
    const bareMs = Math.min(bareFirst, bareSecond);

    const recorded = await database.db
      .selectFrom("payments")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    const watcherRate = blocks / (watcherMs / 1000);
    const bareRate = blocks / (bareMs / 1000);
    const ratio = ratioOf(watcherRate, bareRate);
    rows.push(
      {
        metric: `catch-up, ${blocks} blocks`,
        value: Math.round(watcherRate),
        unit: "blocks/s",
        baseline: Math.round(bareRate),
        ratio,
        target: ">= 0.50 of bare",
        pass: (ratio ?? 0) >= 0.5,
      },
      {
        metric: "payments recorded in catch-up",
        value: Number(recorded.n),
        unit: "count",
        baseline: CATCH_UP_PAYMENTS,
        pass: Number(recorded.n) === CATCH_UP_PAYMENTS,
      },
    );

    // the same again over empty blocks: the loop's own cost, without recording and reconciling payments
    const emptyFirst = last + 1n;
    // in chunks: mining thousands of blocks in one call outlasts the client's 10 s timeout on a busy machine
    for (let left = blocks; left > 0; left -= 500) await anvil.mine(Math.min(500, left));
    const emptyLast = emptyFirst + BigInt(blocks) - 1n;
    const emptyStartedAt = performance.now();
    const resumed = await startWatcher(config, { logger, db: database.db });
    await followedTo(database.db, emptyLast, 600_000);
    const emptyMs = performance.now() - emptyStartedAt;
    await resumed.stop();
    const emptyBareMs = await bareLoop(anvil.rpcUrl, token.address, emptyFirst, emptyLast);
    const emptyRate = blocks / (emptyMs / 1000);
    const emptyBareRate = blocks / (emptyBareMs / 1000);
    rows.push({
      metric: `catch-up, ${blocks} empty blocks`,
      value: Math.round(emptyRate),
      unit: "blocks/s",
      baseline: Math.round(emptyBareRate),
      ratio: ratioOf(emptyRate, emptyBareRate),
      target: ">= 0.50 of bare",
      pass: (ratioOf(emptyRate, emptyBareRate) ?? 0) >= 0.5,
    });
    notes.push(
      `catch-up: watcher ${(watcherMs / 1000).toFixed(1)} s (in-process, batches of 100, recording and reconciling every payment); bare viem loop ${(bareMs / 1000).toFixed(1)} s (best of two runs: blocks with transactions + token logs, batched the same way).`,
    );
  } finally {
    await anvil.stop();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

function encodeTransfer(to: Hex, amount: bigint): Hex {
  return encodeFunctionData({ abi: erc20, functionName: "transfer", args: [to, amount] });
}

/** What the watcher fetches per range, without deciding or storing anything. */
async function bareLoop(rpcUrl: string, token: Hex, first: bigint, last: bigint): Promise<number> {
  const client = createPublicClient({ transport: http(rpcUrl, { batch: { batchSize: 200 } }), cacheTime: 0 });
  const startedAt = performance.now();
  for (let from = first; from <= last; from += 100n) {
    const to = from + 99n < last ? from + 99n : last;
    const numbers: bigint[] = [];
    for (let n = from; n <= to; n++) numbers.push(n);
    await Promise.all([
      Promise.all(numbers.map((blockNumber) => client.getBlock({ blockNumber, includeTransactions: true }))),
      client.getLogs({ address: [token], event: transferEvent, fromBlock: from, toBlock: to }),
    ]);
  }
  return performance.now() - startedAt;
}
