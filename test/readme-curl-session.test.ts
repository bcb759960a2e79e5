import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  ANVIL_ACCOUNT_XPUB,
  createTestDatabase,
  freePort,
  REDIS_URL,
  type TestDatabase,
  until,
} from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The README's curl session, step by step, as an operator types it: the commands and the answers it shows
 * must stay true. Each step first checks that the docs still say it: the merchant set-up by hand from
 * docs/operations.md (what `pnpm dev` does for the README's tour), the request and its answer from the README.
 */
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const operations = readFileSync(new URL("../docs/operations.md", import.meta.url), "utf8");
const bin = fileURLToPath(new URL("../packages/cli/bin/paygate.mjs", import.meta.url));

let database: TestDatabase;
let env: Record<string, string>;
let api: ChildProcess | undefined;
let apiUrl: string;

const paygate = async (...args: string[]) =>
  (await promisify(execFile)(process.execPath, [bin, ...args], { env })).stdout;

/** The value of a `key  value` line of the CLI's human output. */
const field = (output: string, key: string) => new RegExp(`^${key}\\s+(\\S+)`, "m").exec(output)?.[1];

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  env = {
    PATH: process.env.PATH ?? "",
    DATABASE_URL: database.url,
    REDIS_URL,
    PORT: String(port),
    API_OPS_PORT: String(await freePort()),
    // the quickstart runs on the anvil chain with fixed rates: development only (production offers neither)
    PAYGATE_ENV: "development",
    PUBLIC_URL: "http://localhost:3000",
    LOG_LEVEL: "silent",
    RATES_FIXED: "ETH:USD=3000",
  };
});

afterAll(async () => {
  api?.kill("SIGTERM");
  await database?.drop();
});

describe("the README's curl session", () => {
  let merchantId: string;
  let apiKey: string;

  it("pnpm paygate migrate, then merchants create", async () => {
    expect(operations).toContain("pnpm paygate migrate");
    expect(operations).toContain('pnpm paygate merchants create --name "Acme"');
    // the test database comes migrated: the command still runs and says so
    expect(await paygate("migrate")).toMatch(/up to date/);
    const created = await paygate("merchants", "create", "--name", "Acme");
    merchantId = field(created, "id")!;
    apiKey = field(created, "api_key")!;
    expect(merchantId).toMatch(/^mer_/);
    expect(apiKey).toMatch(/^sk_/);
  });

  it("wallets set with the Anvil account xpub shows the first deposit address", async () => {
    expect(operations).toContain(`--xpub ${ANVIL_ACCOUNT_XPUB}`);
    const wallet = await paygate(
      "wallets",
      "set",
      "--merchant",
      merchantId,
      "--family",
      "evm",
      "--xpub",
      ANVIL_ACCOUNT_XPUB,
    );
    expect(field(wallet, "next_address")).toBe("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  });

  it("creates the intent the README shows, then fetches it", async () => {
    expect(operations).toContain("RATES_FIXED=ETH:USD=3000 pnpm paygate api &");
    expect(readme).toContain('curl -s localhost:3000/v1/payment-intents -H "Authorization: Bearer $KEY"');
    api = spawn(process.execPath, [bin, "api"], { env, stdio: "ignore" });
    await until(async () => (await fetch(`${apiUrl}/healthz`).catch(() => undefined))?.ok === true, {
      timeoutMs: 20_000,
      message: "paygate api to listen",
    });

    const body = '{"amount":"49.00","currency":"USD","asset":"ETH","chain":"anvil","order_id":"ord_1"}';
    expect(readme).toContain(`-d '${body}'`);
    const created = await fetch(`${apiUrl}/v1/payment-intents`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${apiKey}`,
        "Content-Type": "application/json",
        "Idempotency-Key": "ord_1",
      },
      body,
    });
    expect(created.status).toBe(201);
    const intent = (await created.json()) as Record<string, unknown>;
    expect(intent).toMatchObject({
      object: "payment_intent",
      status: "awaiting_payment",
      chain: "anvil",
      asset: "ETH",
      address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
      amount_due: "0.016333333333333334",
      required_confirmations: 2,
      price: { amount: "49.00", currency: "USD" },
      quote: { rate: "3000", source: "fixed" },
      payment_uri: "ethereum:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266@31337?value=16333333333333334",
      checkout_url: `http://localhost:3000/pay/${intent.id}`,
      order_id: "ord_1",
    });
    for (const shown of ["amount_due", "payment_uri"] as const) {
      expect(readme).toContain(`"${shown}": ${JSON.stringify(intent[shown])}`);
    }

    const fetched = await fetch(`${apiUrl}/v1/payment-intents/${intent.id}`, {
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toEqual(intent);
  });
});
