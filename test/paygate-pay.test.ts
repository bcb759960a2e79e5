import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IntentObject } from "@paygate/shared";
import { ANVIL_MNEMONIC, freePort, until } from "@paygate/testkit";
import {
  type Abi,
  createPublicClient,
  createWalletClient,
  getContractAddress,
  type Hex,
  http,
  parseUnits,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import artifacts from "./contracts/artifacts.json" with { type: "json" };
import {
  type DevEnvironment,
  devEnvironment,
  type GroupProcess,
  runPnpm,
  startDev,
} from "./support/dev-session-process.ts";

/**
 * `pnpm paygate pay <intent>` against a running `pnpm dev` (real Anvil, API, watcher, dispatcher): in full, in
 * part then the rest, over, in an ERC-20 token and late, each intent reaches the state the contract gives it.
 * The token is the tests' mintable ERC-20, deployed after dev starts at the address the chain file names (the
 * first deployment of Anvil's account #0 on a fresh chain).
 */
/** An ETH amount as the API writes it: all 18 decimals. */
const eth = (amount: string) => {
  const [whole, fraction = ""] = amount.split(".");
  return `${whole}.${fraction.padEnd(18, "0")}`;
};

/** Each test runs the CLI as a child process (one or two), which takes seconds to start on a loaded machine. */
const CLI_TEST_TIMEOUT_MS = 120_000;
const deployer = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 });
const TOKEN = getContractAddress({ from: deployer.address, nonce: 0n });
const TOKEN_HOLDER = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 5 }).address;

let environment: DevEnvironment;
let dev: GroupProcess;
let apiKey: string;

const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const response = await fetch(`http://127.0.0.1:${environment.ports.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
};

const createIntent = (body: Record<string, unknown>) =>
  api<IntentObject>("POST", "/v1/payment-intents", { chain: "anvil", ...body });

const waitForStatus = (id: string, status: IntentObject["status"]) =>
  until(
    async () => {
      const intent = await api<IntentObject>("GET", `/v1/payment-intents/${id}`);
      return intent.status === status ? intent : undefined;
    },
    { timeoutMs: 30_000, message: `${id} to be ${status}` },
  );

/** `pnpm paygate pay`, as the banner shows it: the running dev session supplies the key and the URLs. */
async function pay(...args: string[]): Promise<Record<string, string>> {
  const run = await runPnpm(["paygate", "pay", ...args, "--json"], environment.env);
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout) as Record<string, string>;
}

beforeAll(async () => {
  const chainFile = join(tmpdir(), `paygate-pay-test-${await freePort()}.json`);
  writeFileSync(
    chainFile,
    JSON.stringify({
      chains: {
        anvil: {
          assets: [
            { symbol: "ETH", type: "native", decimals: 18 },
            { symbol: "TUSD", type: "erc20", decimals: 6, contract: TOKEN },
          ],
        },
      },
    }),
  );
  environment = await devEnvironment({ PAYGATE_CHAINS: chainFile });
  ({ dev, apiKey } = await startDev(environment, ["--block-time", "1"]));

  const transport = http(`http://127.0.0.1:${environment.ports.anvil}`);
  const publicClient = createPublicClient({ chain: foundry, transport });
  const wallet = createWalletClient({ chain: foundry, transport, account: deployer });
  const abi = artifacts.TestToken.abi as Abi;
  const deployed = await wallet.deployContract({
    abi,
    bytecode: artifacts.TestToken.bytecode as Hex,
    args: ["Test USD", "TUSD", 6],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash: deployed });
  expect(receipt.contractAddress?.toLowerCase()).toBe(TOKEN.toLowerCase());
  const minted = await wallet.writeContract({
    address: TOKEN,
    abi,
    functionName: "mint",
    args: [TOKEN_HOLDER, parseUnits("1000", 6)],
  });
  await publicClient.waitForTransactionReceipt({ hash: minted });
}, 150_000);

afterAll(async () => {
  if (dev) {
    dev.signalGroup("SIGINT");
    await dev.exited;
  }
  await environment?.cleanUp();
});

describe("pnpm paygate pay", () => {
  it(
    "pays in full what is due, in ETH, and prints what it sent",
    async () => {
      const intent = await createIntent({ amount: "0.25", currency: "ETH", asset: "ETH" });
      const sent = await pay(intent.id);
      expect(sent).toMatchObject({
        intent: intent.id,
        chain: "anvil",
        asset: "ETH",
        amount: "0.25",
        to: intent.address,
        from: mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 9 }).address,
      });
      expect(sent.tx_hash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(sent.block).toMatch(/^\d+$/);
      const confirmed = await waitForStatus(intent.id, "confirmed");
      expect(confirmed).toMatchObject({ amount_confirmed: eth("0.25"), overpaid_amount: null, late: false });
      expect(confirmed.payments).toMatchObject([{ tx_hash: sent.tx_hash, block_number: Number(sent.block) }]);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "pays part with --amount (pending), then the rest by default (confirmed)",
    async () => {
      const intent = await createIntent({ amount: "1", currency: "ETH", asset: "ETH" });
      await pay(intent.id, "--amount", "0.4");
      const partial = await until(
        async () => {
          const seen = await api<IntentObject>("GET", `/v1/payment-intents/${intent.id}`);
          return seen.payments[0]?.status === "confirmed" ? seen : undefined;
        },
        { timeoutMs: 30_000, message: "the partial payment to confirm" },
      );
      expect(partial).toMatchObject({
        status: "pending",
        amount_received: eth("0.4"),
        amount_confirmed: eth("0.4"),
      });

      const rest = await pay(intent.id);
      expect(rest.amount).toBe("0.6");
      expect(await waitForStatus(intent.id, "confirmed")).toMatchObject({
        amount_confirmed: eth("1"),
        overpaid_amount: null,
      });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "overpays with --amount above what is due",
    async () => {
      const intent = await createIntent({ amount: "0.1", currency: "ETH", asset: "ETH" });
      await pay(intent.id, "--amount", "0.15");
      expect(await waitForStatus(intent.id, "confirmed")).toMatchObject({
        amount_received: eth("0.15"),
        overpaid_amount: eth("0.05"),
      });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "pays an ERC-20 intent in its token, from an Anvil account that holds it",
    async () => {
      const intent = await createIntent({ amount: "25", currency: "TUSD", asset: "TUSD" });
      const sent = await pay(intent.id);
      expect(sent).toMatchObject({ asset: "TUSD", amount: "25", from: TOKEN_HOLDER });
      expect(await waitForStatus(intent.id, "confirmed")).toMatchObject({
        asset: "TUSD",
        amount_confirmed: "25.000000",
        late: false,
      });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "refuses, with a clear message, to pay what is not due any more",
    async () => {
      const intent = await createIntent({ amount: "0.01", currency: "ETH", asset: "ETH" });
      await pay(intent.id);
      await waitForStatus(intent.id, "confirmed");
      const again = await runPnpm(["paygate", "pay", intent.id], environment.env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(
        `${intent.id} has received ${eth("0.01")} of ${eth("0.01")} ETH: nothing is due (pass --amount to pay more)`,
      );
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "--late moves Anvil's clock past the expiry: the payment is late and the intent confirms late",
    async () => {
      const intent = await createIntent({ amount: "0.3", currency: "ETH", asset: "ETH", expires_in: 60 });
      const sent = await pay(intent.id, "--late");
      expect(Date.parse(sent.chain_time as string)).toBeGreaterThan(Date.parse(intent.expires_at));
      const confirmed = await waitForStatus(intent.id, "confirmed");
      expect(confirmed).toMatchObject({ late: true, amount_confirmed: eth("0.3") });
      // the watcher judged it by its block's time, past the expiry: late, confirmed at the old quote
      expect(confirmed.quote.rate).toBe(intent.quote.rate);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});

describe("pnpm paygate pay without a dev session", () => {
  it(
    "says where the API key comes from when it has none",
    async () => {
      const port = String(await freePort());
      const run = await runPnpm(["paygate", "pay", "pi_01J0000000000000000000000"], {
        ...environment.env,
        PORT: port,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `no API key: pass --api-key or set PAYGATE_API_KEY (no running \`paygate dev\` on port ${port}`,
      );
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
