import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createPlan,
  type SendResult,
  type SweepBundle,
  type SweepPlan,
  sendBundle,
  sweepData,
  sweeperAddress,
} from "@paygate/sweep";
import { DEFAULT_SPONSOR_PATH, merchantKeys, readSecretFile, signBundle } from "@paygate/sweep/sign";
import { deployNoBoolToken, type Stack, startStack, type TestToken } from "@paygate/testkit";
import { type Address, getAddress, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PaidIntent, payIntents } from "./support/sweep-intents.ts";

/**
 * Contract section 7, EIP-7702 method, end to end on Anvil and PostgreSQL: 150 paid intents (ETH, the test
 * ERC-20, a token whose transfer returns no bool) swept to a treasury in two sponsor transactions.
 */
const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const OTHER_MNEMONIC = "test test test test test test test test test test test junk";
const keys = merchantKeys(MNEMONIC);
const sponsor = keys.accountAt(DEFAULT_SPONSOR_PATH).address;
const treasury = privateKeyToAccount(generatePrivateKey()).address;

let stack: Stack;
let usdt: TestToken;
let paid: PaidIntent[];
let plan: SweepPlan;
let bundle: SweepBundle;

function planFor(options: { includeOpen?: boolean } = {}): Promise<SweepPlan> {
  const chain = stack.config.chains.find((candidate) => candidate.id === "anvil")!;
  return createPlan(stack.db, stack.anvil.publicClient, {
    merchantId: stack.merchant.merchantId,
    chain,
    treasury,
    sponsor,
    ...options,
  });
}

/** Sends with blocks mined once a second, so the anvil chain's 2 confirmations arrive without a test clock. */
async function send(target: SweepBundle): Promise<SendResult> {
  await stack.anvil.testClient.setIntervalMining({ interval: 1 });
  try {
    return await sendBundle(stack.anvil.publicClient, target);
  } finally {
    await stack.anvil.testClient.setIntervalMining({ interval: 0 });
    await stack.anvil.testClient.setAutomine(true);
  }
}

async function balancesOf(address: Address): Promise<bigint[]> {
  return [
    await stack.anvil.publicClient.getBalance({ address }),
    await stack.token.balanceOf(address),
    await usdt.balanceOf(address),
  ];
}

beforeAll(async () => {
  stack = await startStack({
    merchant: { evmXpub: keys.accountXpub },
    extraAssets: async (anvil) => {
      usdt = await deployNoBoolToken(anvil, 1);
      return [{ symbol: "USDT", type: "erc20", decimals: 6, contract: usdt.address }];
    },
  });
  await stack.anvil.testClient.setBalance({ address: sponsor, value: parseEther("100") });
  paid = await payIntents(stack, usdt, { ETH: "0.01", TUSD: "2", USDT: "3" }, 50);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe("sweep by EIP-7702", () => {
  it("plans every paid address with its path, balances and nonce, in two sponsor batches after the deployment", async () => {
    plan = await planFor();
    expect(plan).toMatchObject({
      format: "paygate-sweep-plan/1",
      method: "eip7702",
      chain: { id: "anvil", chain_id: 31337, required_confirmations: 2 },
      sweeper: { address: sweeperAddress(treasury), deployed: false, deployment_proxy_present: true },
      sponsor: { address: sponsor, nonce: 0, balance: String(parseEther("100")) },
      skipped: [],
      estimate: { sponsor_can_pay: true },
    });
    expect(plan.addresses).toHaveLength(150);
    const first = paid[0]!;
    expect(plan.addresses).toContainEqual({
      address: getAddress(first.intent.address),
      index: 0,
      path: "m/44'/60'/0'/0/0",
      nonce: 0,
      delegated_to: null,
      balances: { ETH: String(first.units) },
    });
    expect(plan.transactions.map((tx) => [tx.kind, "addresses" in tx ? tx.addresses.length : 0])).toEqual([
      ["deploy_sweeper", 0],
      ["sweep_batch", 75],
      ["sweep_batch", 75],
    ]);
  });

  it("refuses another mnemonic, a changed address, a readable key file", async () => {
    await expect(signBundle(plan, { keys: merchantKeys(OTHER_MNEMONIC) })).rejects.toMatchObject({
      code: "xpub_mismatch",
    });
    const changed = structuredClone(plan);
    changed.addresses[7]!.address = privateKeyToAccount(generatePrivateKey()).address;
    await expect(signBundle(changed, { keys })).rejects.toMatchObject({ code: "address_mismatch" });

    const dir = mkdtempSync(join(tmpdir(), "sweep-"));
    const file = join(dir, "mnemonic.txt");
    writeFileSync(file, MNEMONIC);
    chmodSync(file, 0o640);
    expect(() => readSecretFile(file, "mnemonic")).toThrowError(
      expect.objectContaining({ code: "secret_file_readable" }),
    );
    chmodSync(file, 0o600);
    expect(readSecretFile(file, "mnemonic")).toBe(MNEMONIC);
  });

  it("refuses to send on another chain than the plan's", async () => {
    const elsewhere = structuredClone(plan);
    elsewhere.chain.chain_id = 1;
    const signed = await signBundle(elsewhere, { keys });
    await expect(sendBundle(stack.anvil.publicClient, signed)).rejects.toMatchObject({
      code: "chain_id_mismatch",
    });
    expect(await stack.anvil.publicClient.getTransactionCount({ address: sponsor })).toBe(0);
  });

  it("resumes after a crash between two sponsor transactions and the treasury gets exactly what was paid", async () => {
    bundle = await signBundle(plan, { keys });
    expect(bundle.transactions.map((tx) => [tx.kind, tx.nonce])).toEqual([
      ["deploy_sweeper", 0],
      ["sweep_batch", 1],
      ["sweep_batch", 2],
    ]);
    // the crash: the first two went out, then the sender died
    for (const tx of bundle.transactions.slice(0, 2)) {
      const hash = await stack.anvil.walletClient.sendRawTransaction({
        serializedTransaction: tx.raw as `0x${string}`,
      });
      expect((await stack.anvil.publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
    }
    const result = await send(bundle);
    expect(result.transactions.map((tx) => tx.outcome)).toEqual(["already_mined", "already_mined", "sent"]);
    expect(result.complete).toBe(true);

    const expected = (asset: PaidIntent["asset"]) =>
      paid.filter((entry) => entry.asset === asset).reduce((sum, entry) => sum + entry.units, 0n);
    expect(await balancesOf(treasury)).toEqual([expected("ETH"), expected("TUSD"), expected("USDT")]);
    for (const entry of paid) {
      expect(await balancesOf(getAddress(entry.intent.address))).toEqual([0n, 0n, 0n]);
    }
    expect(result.balances.every((row) => row.after === 0n && row.moved === row.before)).toBe(true);
    expect(result.balances).toHaveLength(150);
  });

  it("sends nothing when the same bundle is sent again, and reports the final state", async () => {
    const nonce = await stack.anvil.publicClient.getTransactionCount({ address: sponsor });
    const again = await send(bundle);
    expect(again.transactions.map((tx) => tx.outcome)).toEqual([
      "already_mined",
      "already_mined",
      "already_mined",
    ]);
    expect(await stack.anvil.publicClient.getTransactionCount({ address: sponsor })).toBe(nonce);
    expect(again.balances.every((row) => row.after === 0n)).toBe(true);
  });

  it("a payment after the sweep is detected, confirmed and webhooked, and the next plan lists it", async () => {
    const swept = paid.find((entry) => entry.asset === "ETH")!;
    const address = getAddress(swept.intent.address);
    expect(await stack.anvil.publicClient.getCode({ address })).toBe(
      `0xef0100${sweeperAddress(treasury).slice(2).toLowerCase()}`,
    );
    const later = await stack.pay(address, "0.25");
    expect(later.status).toBe("success");
    await stack.mine(2);
    const expected = ["payment.pending", "payment.confirmed", "payment.overpaid"];
    expect(await stack.waitForEvents(swept.intent.id, 3)).toEqual(expected);
    const after = await stack.intent(swept.intent.id);
    expect(after.payments.find((payment) => payment.tx_hash === later.hash)).toMatchObject({
      status: "confirmed",
    });

    const next = await planFor();
    expect(next.addresses).toEqual([
      expect.objectContaining({
        address,
        delegated_to: sweeperAddress(treasury),
        balances: { ETH: String(parseEther("0.25")) },
      }),
    ]);
    // already delegated and the Sweeper exists: one plain sponsor transaction, no authorization
    expect(next.transactions.map((tx) => tx.kind)).toEqual(["sweep_batch"]);
  });

  it("lets a stranger call sweep on a delegated address, which only moves funds to the treasury", async () => {
    const swept = paid.find((entry) => entry.asset === "TUSD")!;
    const address = getAddress(swept.intent.address);
    await stack.anvil.publicClient.waitForTransactionReceipt({
      hash: await stack.token.mint(address, 5_000_000n),
    });
    const before = await balancesOf(treasury);
    const stranger = stack.payer;
    const strangerTokens = await stack.token.balanceOf(stranger.address);
    const hash = await stack.anvil.walletClient.sendTransaction({
      account: stranger,
      to: address,
      data: sweepData([stack.token.address, usdt.address]),
    });
    expect((await stack.anvil.publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
    expect(await balancesOf(treasury)).toEqual([before[0], before[1]! + 5_000_000n, before[2]]);
    expect(await balancesOf(address)).toEqual([0n, 0n, 0n]);
    expect(await stack.token.balanceOf(stranger.address)).toBe(strangerTokens);
  });

  it("a 21,000-gas transfer to a delegated address is mined and reverts, the value stays with the sender", async () => {
    const address = getAddress(paid.find((entry) => entry.asset === "USDT")!.intent.address);
    const payment = await stack.pay(address, "0.5", { gas: 21_000n });
    const receipt = await stack.anvil.publicClient.getTransactionReceipt({ hash: payment.hash });
    expect(receipt).toMatchObject({ status: "reverted", gasUsed: 21_000n });
    expect(await stack.anvil.publicClient.getBalance({ address })).toBe(0n);
    // the same transfer with the estimated limit (a little above 21,000: the delegate's code runs) arrives
    const estimated = await stack.anvil.publicClient.estimateGas({
      account: stack.payer,
      to: address,
      value: 1n,
    });
    expect(estimated).toBeGreaterThan(21_000n);
  });
});
