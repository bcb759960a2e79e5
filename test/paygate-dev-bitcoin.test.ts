import type { IntentObject } from "@paygate/shared";
import { until } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DevEnvironment,
  devEnvironment,
  type GroupProcess,
  runPnpm,
  startDev,
} from "./support/dev-session-process.ts";

/**
 * `pnpm dev --bitcoin`: bitcoin-regtest served by the simulator, labelled as such; `pnpm paygate pay` spends from
 * the simulator's wallet, and the intent goes mempool (pending) -> confirmed at the next simulated block.
 */
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

beforeAll(async () => {
  environment = await devEnvironment();
  // a payment waits 8 s in the simulated mempool: long enough to watch it pending
  ({ dev, apiKey } = await startDev(environment, ["--bitcoin", "--bitcoin-block-time", "8"]));
}, 150_000);

afterAll(async () => {
  if (dev) {
    dev.signalGroup("SIGINT");
    expect((await dev.exited).code).toBe(0);
  }
  await environment?.cleanUp();
});

describe("pnpm dev --bitcoin", () => {
  it("says the Bitcoin chain is simulated, in the banner and the logs", () => {
    expect(dev.output()).toMatch(/Bitcoin\s+http:\/\/127\.0\.0\.1:\d+\/?\s+SIMULATED bitcoin-regtest/);
    expect(dev.output()).toContain("bitcoin-regtest is a SIMULATION");
    // the simulator's RPC credentials stay out of the banner
    expect(dev.output()).not.toMatch(/simulator:regtest@|\*\*\*@/);
  });

  it("pays a BTC intent through the simulator's wallet: pending from the mempool, then confirmed", async () => {
    const intent = await api<IntentObject>("POST", "/v1/payment-intents", {
      amount: "0.015",
      currency: "BTC",
      asset: "BTC",
      chain: "bitcoin-regtest",
    });
    expect(intent.address).toMatch(/^bcrt1q/);
    const run = await runPnpm(["paygate", "pay", intent.id, "--json"], environment.env);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const sent = JSON.parse(run.stdout) as Record<string, string>;
    expect(sent).toMatchObject({
      chain: "bitcoin-regtest",
      asset: "BTC",
      amount: "0.015",
      to: intent.address,
    });
    expect(sent.tx_hash).toMatch(/^[0-9a-f]{64}$/);

    const seen: string[] = [];
    const confirmed = await until(
      async () => {
        const current = await api<IntentObject>("GET", `/v1/payment-intents/${intent.id}`);
        if (seen.at(-1) !== current.status) seen.push(current.status);
        return current.status === "confirmed" ? current : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, message: `${intent.id} to confirm` },
    );
    expect(seen.filter((status) => status !== "awaiting_payment")).toEqual(["pending", "confirmed"]);
    const events = await api<{ data: { type: string }[] }>("GET", `/v1/events?payment_intent=${intent.id}`);
    expect(events.data.map((event) => event.type).sort()).toEqual(["payment.confirmed", "payment.pending"]);
    expect(confirmed).toMatchObject({ amount_confirmed: "0.01500000", late: false });
    expect(confirmed.payments).toMatchObject([{ tx_hash: sent.tx_hash, status: "confirmed" }]);
  }, 120_000);
});
