import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseBundle, parsePlan } from "@paygate/sweep";
import { DEFAULT_SPONSOR_PATH, merchantKeys } from "@paygate/sweep/sign";
import { deployNoBoolToken, type Stack, startStack, type TestToken } from "@paygate/testkit";
import { getAddress, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PaidIntent, payIntents } from "./support/sweep-intents.ts";

/**
 * The three sweep steps as an operator runs them (`paygate sweep plan|sign|send|list`, real child processes),
 * with the top-up method a chain without EIP-7702 uses: the sponsor funds each token address's gas exactly,
 * then each address transfers to the treasury.
 */
const bin = fileURLToPath(new URL("../packages/cli/bin/paygate.mjs", import.meta.url));
const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const keys = merchantKeys(MNEMONIC);
const sponsor = keys.accountAt(DEFAULT_SPONSOR_PATH).address;
const treasury = privateKeyToAccount(generatePrivateKey()).address;
const dir = mkdtempSync(join(tmpdir(), "sweep-cli-"));
/** Each step is a fresh CLI process (tsx compiles it on start: 5 s idle, above 20 s on a loaded machine); a test runs up to 4. */
const CLI_TEST_TIMEOUT = 600_000;

let stack: Stack;
let usdt: TestToken;
let paid: PaidIntent[];
let env: Record<string, string>;

function paygate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env, cwd: dir, timeout: 170_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  stack = await startStack({
    merchant: { evmXpub: keys.accountXpub },
    extraAssets: async (anvil) => {
      usdt = await deployNoBoolToken(anvil, 1);
      return [{ symbol: "USDT", type: "erc20", decimals: 6, contract: usdt.address }];
    },
  });
  await stack.anvil.testClient.setBalance({ address: sponsor, value: parseEther("10") });
  paid = await payIntents(stack, usdt, { ETH: "0.5", TUSD: "2", USDT: "3" }, 2);
  const chainFile = join(dir, "chains.json");
  const anvil = stack.config.chains.find((chain) => chain.id === "anvil")!;
  writeFileSync(
    chainFile,
    JSON.stringify({
      chains: {
        anvil: {
          rpc_urls: [stack.anvil.rpcUrl],
          assets: anvil.assets.map((asset) => ({
            symbol: asset.symbol,
            type: asset.type,
            decimals: asset.decimals,
            ...(asset.contract ? { contract: asset.contract } : {}),
          })),
        },
      },
    }),
  );
  env = {
    PATH: process.env.PATH ?? "",
    DATABASE_URL: stack.database.url,
    PAYGATE_ENV: "test",
    PAYGATE_CHAINS: chainFile,
    LOG_LEVEL: "silent",
  };
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe("paygate sweep, top-up method, from the command line", () => {
  it(
    "plans top-ups for the token addresses and transfers for all",
    async () => {
      const run = await paygate(
        "sweep",
        "plan",
        "--merchant",
        stack.merchant.merchantId,
        "--chain",
        "anvil",
        "--to",
        treasury,
        "--sponsor",
        sponsor,
        "--method",
        "topup",
        "--out",
        "plan.json",
      );
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("method topup");
      const plan = parsePlan(readFileSync(join(dir, "plan.json"), "utf8"));
      expect(plan.addresses).toHaveLength(6);
      expect(plan.transactions.filter((tx) => tx.kind === "topup")).toHaveLength(4);
      expect(plan.transactions.filter((tx) => tx.kind === "transfer")).toHaveLength(6);
      expect(plan.sweeper).toBeNull();
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    "refuses a mnemonic file others can read, without printing it",
    async () => {
      writeFileSync(join(dir, "mnemonic.txt"), `${MNEMONIC}\n`);
      chmodSync(join(dir, "mnemonic.txt"), 0o644);
      const run = await paygate("sweep", "sign", "plan.json", "--mnemonic-file", "mnemonic.txt");
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("accessible by others");
      expect(run.stdout + run.stderr).not.toContain("abandon");
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    "signs, sends and records; the treasury gets every token exactly",
    async () => {
      chmodSync(join(dir, "mnemonic.txt"), 0o600);
      const signed = await paygate(
        "sweep",
        "sign",
        "plan.json",
        "--mnemonic-file",
        "mnemonic.txt",
        "--out",
        "bundle.json",
      );
      expect(signed).toMatchObject({ code: 0 });
      expect(signed.stdout + signed.stderr).not.toContain("abandon");
      const bundle = parseBundle(readFileSync(join(dir, "bundle.json"), "utf8"));
      expect(bundle.transactions).toHaveLength(10);

      await stack.anvil.testClient.setIntervalMining({ interval: 1 });
      const sent = await paygate("sweep", "send", "bundle.json", "--json");
      await stack.anvil.testClient.setIntervalMining({ interval: 0 });
      await stack.anvil.testClient.setAutomine(true);
      expect(sent).toMatchObject({ code: 0 });
      const rows = JSON.parse(sent.stdout) as {
        address: string;
        asset: string;
        moved: string;
        left: string;
      }[];
      expect(rows).toHaveLength(6);

      const units = (asset: PaidIntent["asset"]) =>
        paid.filter((entry) => entry.asset === asset).reduce((sum, entry) => sum + entry.units, 0n);
      expect(await stack.token.balanceOf(treasury)).toBe(units("TUSD"));
      expect(await usdt.balanceOf(treasury)).toBe(units("USDT"));
      const nativeTransfers = bundle.plan.transactions.flatMap((tx) =>
        tx.kind === "transfer" && tx.asset === "ETH" ? [BigInt(tx.amount)] : [],
      );
      expect(await stack.anvil.publicClient.getBalance({ address: treasury })).toBe(
        nativeTransfers.reduce((sum, amount) => sum + amount, 0n),
      );
      for (const entry of paid.filter((candidate) => candidate.asset !== "ETH")) {
        const address = getAddress(entry.intent.address);
        expect(await stack.token.balanceOf(address)).toBe(0n);
        expect(await usdt.balanceOf(address)).toBe(0n);
      }

      const list = await paygate("sweep", "list", "--merchant", stack.merchant.merchantId, "--json");
      expect(JSON.parse(list.stdout)).toMatchObject([
        { chain: "anvil", method: "topup", transactions: 10, status: "sent" },
      ]);
      const again = await paygate("sweep", "send", "bundle.json");
      expect(again.code).toBe(0);
      expect(
        again.stderr
          .trim()
          .split("\n")
          .every((line) => line.endsWith("already_mined")),
      ).toBe(true);
      const listAgain = await paygate("sweep", "list", "--merchant", stack.merchant.merchantId, "--json");
      expect(JSON.parse(listAgain.stdout)).toHaveLength(1);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    "prints a Bitcoin wallet's receive descriptor",
    async () => {
      const zpub =
        "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
      const set = await paygate(
        "wallets",
        "set",
        "--merchant",
        stack.merchant.merchantId,
        "--family",
        "bitcoin",
        "--xpub",
        zpub,
      );
      expect(set).toMatchObject({ code: 0 });
      const run = await paygate(
        "wallets",
        "descriptor",
        "--merchant",
        stack.merchant.merchantId,
        "--family",
        "bitcoin",
        "--json",
      );
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        desc: expect.stringMatching(/^wpkh\(xpub\w+\/0\/\*\)#\w{8}$/),
        range: [0, 20],
        active: true,
        internal: false,
      });
    },
    CLI_TEST_TIMEOUT,
  );
});
