import { randomBytes } from "node:crypto";
import { appendFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import {
  apiClient,
  createTestDatabase,
  createTestMerchant,
  deployTestToken,
  freePort,
  startAnvil,
  until,
} from "@paygate/testkit/helpers";
import { type Hex, parseUnits } from "viem";
import { HDKey } from "viem/accounts";
import { writeAnvilChainFile } from "../../bench/support/chain-file.ts";
import { scannedNumber } from "../../bench/support/fixtures.ts";
import { startRedisServer } from "../../bench/support/redis-server.ts";
import { startRpcProxy } from "../../bench/support/rpc-proxy.ts";
import type { IntentObject } from "../../packages/shared/src/index.ts";
import { checkSoak, type PlannedIntent, type SoakFindings } from "./check.ts";
import { BACKGROUND_RPC_FAIL_RATE, injectFaults } from "./faults.ts";
import { startFlakyReceiver } from "./flaky-receiver.ts";
import { createPayer } from "./payer.ts";
import { type IntentPlan, planIntents, transfersFor } from "./plan.ts";
import { seededRandom } from "./random.ts";
import { type ServiceInstance, startServices } from "./services.ts";

/**
 * `pnpm soak [--intents N] [--seed S] [--timeout-s T]`: the whole gateway as separate processes against Anvil,
 * N intents paid in every way while faults are injected at random; then the faults stop, the system gets time
 * to converge, and the record is checked against the chain and the receiver's log. Exits 1 on any violation.
 */
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    intents: { type: "string", default: "50" },
    seed: { type: "string" },
    "timeout-s": { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const N = Number(values.intents);
const seed = Number(values.seed ?? randomBytes(4).readUInt32BE() % 1_000_000);
const timeoutS = Number(values["timeout-s"] ?? Math.max(280, 150 + N * 0.4));
if (!Number.isInteger(N) || N < 1 || !Number.isFinite(seed) || !(timeoutS > 0)) {
  process.stderr.write("usage: pnpm soak [--intents N] [--seed S] [--timeout-s T] [--keep]\n");
  process.exit(2);
}

const startedAt = Date.now();
const deadline = startedAt + timeoutS * 1000;
const dir = await mkdtemp(join(tmpdir(), "paygate-soak-"));
const log = (line: string) => {
  const text = `[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${line}`;
  process.stdout.write(`${text}\n`);
  appendFileSync(join(dir, "soak.log"), `${text}\n`);
};
log(`soak: ${N} intents, seed ${seed}, deadline ${timeoutS} s, logs in ${dir}`);

const planRandom = seededRandom(seed);
const faultRandom = seededRandom(seed + 1);
const anvil = await startAnvil();
const token = await deployTestToken(anvil);
const payer = await createPayer(anvil, token);
const database = await createTestDatabase();
let redis = await startRedisServer();
let rpcFailRate = 0;
const proxy = await startRpcProxy(anvil.rpcUrl, {
  failRate: () => rpcFailRate,
  random: seededRandom(seed + 2),
});
const receiver = await startFlakyReceiver(seededRandom(seed + 3), join(dir, "receiver.jsonl"));
const merchant = await createTestMerchant(database.db, {
  name: "Soak shop",
  evmXpub: HDKey.fromMasterSeed(randomBytes(32)).derive("m/44'/60'/0'").publicExtendedKey,
});
// scaled out as an operator who outgrew one process runs it: two of each role on one database and one Redis
const instances: ServiceInstance[] = [];
for (const n of [1, 2]) {
  instances.push(
    {
      name: `api-${n}`,
      role: "api",
      env: { PORT: String(await freePort()), API_OPS_PORT: String(await freePort()) },
    },
    { name: `watcher-${n}`, role: "watcher", env: { WATCHER_PORT: String(await freePort()) } },
    { name: `dispatcher-${n}`, role: "dispatcher", env: { DISPATCHER_PORT: String(await freePort()) } },
  );
}
const apiUrls = instances
  .filter(({ role }) => role === "api")
  .map(({ env }) => `http://127.0.0.1:${env.PORT}`);
const env = {
  DATABASE_URL: database.url,
  REDIS_URL: redis.url,
  PAYGATE_QUEUE_PREFIX: "paygate-soak",
  PUBLIC_URL: "https://gateway.soak",
  // development: the receiver is plain http on 127.0.0.1, which production rules refuse
  PAYGATE_ENV: "development",
  LOG_LEVEL: "info",
  PAYGATE_CHAINS: await writeAnvilChainFile(dir, {
    rpcUrl: proxy.url,
    token: token.address,
    pollIntervalMs: 250,
  }),
  RATES_PROVIDER: "fixed",
  RATES_FIXED: "ETH:USD=3000",
  // ten attempts within a minute: the soak waits minutes, not the contract's three days
  WEBHOOK_RETRY_SCHEDULE: "1,2,3,5,5,8,10,15,20",
};
const services = startServices(env, instances, dir);
services.startAll();
const clients = apiUrls.map((url) => apiClient(url, merchant.apiKey));
let calls = 0;
/** The merchant's requests, spread over both APIs in turn (a load balancer's round robin). */
const request: ReturnType<typeof apiClient> = (...args) => clients[calls++ % clients.length]!(...args);
let findings: SoakFindings | undefined;
let mining = true;
let exitCode = 1;

try {
  for (const url of apiUrls)
    await until(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true, {
      // six processes compiling at once on a busy machine: their start is bounded by the run's deadline only
      timeoutMs: deadline - Date.now(),
      message: `the API at ${url}`,
    });
  await until(async () => (await scannedNumber(database.db)) !== undefined, {
    timeoutMs: deadline - Date.now(),
    message: "the watcher's first scan",
  });
  const endpoint = await request("POST", "/v1/webhook-endpoints", { body: { url: receiver.url } });
  if (endpoint.status !== 201) throw new Error(`endpoint registration: ${endpoint.status} ${endpoint.text}`);
  receiver.setSecret(endpoint.body.secret);
  log(`stack up: ${instances.map(({ name }) => name).join(", ")}; endpoint registered`);

  // the chain's block time: a block every 400 ms besides the ones each payment mines
  let miningPaused = false;
  const miner = (async () => {
    while (mining) {
      if (!miningPaused) await payer.mine(1).catch((error: unknown) => log(`mine failed: ${String(error)}`));
      await delay(400);
    }
  })();

  rpcFailRate = BACKGROUND_RPC_FAIL_RATE;
  const faults = injectFaults(
    {
      services,
      redis: () => redis,
      async restartRedis() {
        const port = redis.port;
        await redis.stop("SIGKILL");
        await delay(faultRandom.int(200, 1500));
        redis = await startRedisServer({ port });
      },
      payer,
      pauseMining: (paused) => {
        miningPaused = paused;
      },
      setRpcFailRate: (rate) => {
        rpcFailRate = rate;
      },
      log,
    },
    faultRandom,
    [1500, 4000],
  );

  const plans = planIntents(N, planRandom);
  const intents: PlannedIntent[] = [];
  let abandonedKeys = 0;
  const paying: Promise<unknown>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < plans.length) {
        const plan = plans[next++]!;
        const { intent, keysAbandoned } = await createIntent(plan);
        abandonedKeys += keysAbandoned;
        const due = parseUnits(intent.amount_due, plan.asset === "ETH" ? 18 : 6);
        const planned = {
          id: intent.id,
          kind: plan.kind,
          asset: plan.asset,
          amountDue: due,
          expiresAt: Date.parse(intent.expires_at),
        };
        intents.push(planned);
        paying.push(payIntent(planned, plan, intent.address as Hex, transfersFor(plan.kind, due)));
      }
    }),
  );
  log(
    `${intents.length} intents created${abandonedKeys ? ` (${abandonedKeys} idempotency keys abandoned after API kills)` : ""}`,
  );
  await Promise.all(paying);
  log(`${payer.payments.length} payments sent`);
  await delay(5000);
  await faults.stop();
  log(`faults stopped: ${JSON.stringify(faults.injected)}; healing`);

  rpcFailRate = 0;
  receiver.setFlaky(false);
  services.startAll();
  await payer.resendDropped();
  const checkNow = async () =>
    checkSoak({
      db: database.db,
      intents,
      payments: payer.payments,
      inclusions: await payer.inclusions(),
      received: receiver.log,
      drops: payer.drops,
      now: Date.now(),
    });
  let lastReport = 0;
  try {
    await until(
      async () => {
        if ((await payer.resendDropped()) > 0) return false;
        findings = await checkNow();
        if (Date.now() - lastReport > 15_000) {
          lastReport = Date.now();
          log(`converging: ${findings.violations.length} open (${findings.violations[0] ?? "none"})`);
        }
        return findings.violations.length === 0;
      },
      { timeoutMs: Math.max(10_000, deadline - Date.now()), intervalMs: 2000, message: "convergence" },
    );
  } catch {
    log("deadline reached before the record converged");
  }
  findings = await checkNow();
  mining = false;
  await miner;

  const faultCount = Object.values(faults.injected).reduce((sum, n) => sum + n, 0);
  const summary = {
    seed,
    seconds: Math.round((Date.now() - startedAt) / 1000),
    ...findings.counts,
    faults: faultCount,
    faultsByKind: faults.injected,
    paymentsDroppedByReorgs: faults.droppedByReorgs,
    intentsTouchedByReorgs: new Set(
      payer.payments.filter((payment) => payer.drops.has(payment.hash)).map((payment) => payment.intentId),
    ).size,
    rpcRequestsFailed: proxy.failed,
    receiverFailures: receiver.log.filter((entry) => entry.answer === 500).length,
    receiverTimeouts: receiver.log.filter((entry) => entry.answer === 0).length,
    restarts: services.restarts,
    crashes: services.crashes,
  };
  process.stdout.write(`\n${JSON.stringify(summary, null, 2)}\n`);
  if (services.crashes.length > 0)
    findings.violations.push(...services.crashes.map((crash) => `crash: ${crash}`));
  if (findings.violations.length > 0) {
    process.stdout.write(
      `\n${findings.violations.length} violations:\n${findings.violations.map((v) => `  - ${v}`).join("\n")}\n`,
    );
    process.stdout.write(`logs kept in ${dir}\n`);
  } else {
    process.stdout.write(
      `\nOK: ${summary.intents} intents, ${summary.payments} payments, ${faultCount} faults, ${summary.events} events, ` +
        `${summary.duplicatesReceived} duplicates received, ` +
        `expected event sets matched ${summary.eventSetsMatched}/${summary.intents}, lost = ${summary.lost}\n`,
    );
    exitCode = 0;
  }
} catch (error) {
  log(`soak aborted: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.stdout.write(`logs kept in ${dir}\n`);
} finally {
  mining = false;
  await services.stop();
  await receiver.close();
  await proxy.close();
  await redis.stop();
  await anvil.stop();
  await database.drop();
  if (exitCode === 0 && !values.keep) await rm(dir, { recursive: true, force: true });
}
process.exit(exitCode);

/** POST with an Idempotency-Key, retried through API kills; a key left in flight by a killed request is abandoned. */
async function createIntent(plan: IntentPlan) {
  let key = `soak-${randomBytes(8).toString("hex")}`;
  let keysAbandoned = 0;
  let inFlightSince: number | undefined;
  const body = {
    amount: plan.amount,
    currency: plan.asset,
    asset: plan.asset,
    chain: "anvil",
    expires_in: plan.expiresIn,
  };
  for (;;) {
    if (Date.now() > deadline) throw new Error("deadline passed while creating intents");
    try {
      const answer = await request<IntentObject>("POST", "/v1/payment-intents", {
        body,
        headers: { "idempotency-key": key },
      });
      if (answer.status === 201) return { intent: answer.body, keysAbandoned };
      if (answer.status === 409) {
        // the contract frees an abandoned key only after minutes; a client would use a new one
        inFlightSince ??= Date.now();
        if (Date.now() - inFlightSince > 5000) {
          key = `soak-${randomBytes(8).toString("hex")}`;
          keysAbandoned++;
          inFlightSince = undefined;
        }
      } else if (answer.status !== 429 && answer.status < 500) {
        throw new Error(`intent creation: ${answer.status} ${answer.text}`);
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("intent creation")) throw error;
      // the API is down (killed): try again shortly
    }
    await delay(250);
  }
}

/** Sends an intent's transfers when its plan says: late ones after its expiry, a split's halves apart. */
async function payIntent(
  intent: PlannedIntent,
  plan: IntentPlan,
  address: Hex,
  amounts: bigint[],
): Promise<void> {
  const createdAt = Date.now();
  const notBefore = (plan.kind === "late" ? intent.expiresAt + 2000 : createdAt) + plan.payAfterMs;
  for (const [i, amount] of amounts.entries()) {
    const at = i === 0 ? notBefore : Date.now() + plan.secondAfterMs;
    await until(() => Date.now() >= at, { timeoutMs: 600_000, intervalMs: 100, message: "payment time" });
    await payer.pay(intent.id, intent.asset as "ETH" | "TUSD", address, amount);
  }
}
