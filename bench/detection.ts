import { setTimeout as delay } from "node:timers/promises";
import { startStack, until } from "@paygate/testkit/helpers";
import { type Hex, parseEther } from "viem";
import { type BenchmarkResult, percentile } from "./support/report.ts";

/**
 * Detection latency on Anvil with a 250 ms poll interval: from the block that includes a payment to the
 * `payment.pending` webhook accepted by the local receiver, and from the threshold block (anvil needs 2
 * confirmations: the next block) to `payment.confirmed`. Payments go out in rounds of 10 per block, each
 * round started at a random moment so blocks land at every phase of the poll cycle.
 */
const PAYMENTS = Number(process.env.BENCH_DETECTION_PAYMENTS ?? 200);
const PER_BLOCK = 10;
const POLL_MS = 250;

export async function benchDetection(): Promise<BenchmarkResult> {
  const stack = await startStack({ chain: { poll_interval_ms: POLL_MS } });
  const pending: number[] = [];
  const confirmed: number[] = [];
  try {
    const { anvil, payer } = stack;
    let nonce = await anvil.publicClient.getTransactionCount({ address: payer.address });
    await anvil.testClient.setAutomine(false);
    for (let round = 0; round < PAYMENTS / PER_BLOCK; round++) {
      const intents = [];
      const signed: Hex[] = [];
      for (let i = 0; i < PER_BLOCK; i++) {
        const intent = await stack.createIntent({ amount: "0.01" });
        intents.push(intent.id);
        const prepared = await anvil.walletClient.prepareTransactionRequest({
          account: payer,
          to: intent.address as Hex,
          value: parseEther("0.01"),
          nonce: nonce++,
          gas: 21_000n,
        });
        signed.push(await anvil.walletClient.signTransaction(prepared));
      }
      for (const tx of signed) await anvil.walletClient.sendRawTransaction({ serializedTransaction: tx });
      await delay(Math.random() * POLL_MS);
      await anvil.mine(1);
      const minedAt = Date.now();
      const pendingAt = await acceptedAt(stack.receiver.requests, intents, "payment.pending");
      await delay(Math.random() * POLL_MS);
      await anvil.mine(1);
      const thresholdAt = Date.now();
      const confirmedAt = await acceptedAt(stack.receiver.requests, intents, "payment.confirmed");
      pending.push(...pendingAt.map((at) => at - minedAt));
      confirmed.push(...confirmedAt.map((at) => at - thresholdAt));
    }
  } finally {
    await stack.anvil.testClient.setAutomine(true).catch(() => {});
    await stack.stop();
  }
  pending.sort((a, b) => a - b);
  confirmed.sort((a, b) => a - b);
  const limit = POLL_MS + 250;
  const row = (metric: string, values: number[], p: number, target?: string) => {
    const value = percentile(values, p);
    return {
      metric,
      value,
      unit: "ms",
      baseline: POLL_MS,
      ratio: Math.round((value / POLL_MS) * 100) / 100,
      ...(target ? { target, pass: value <= limit } : {}),
    };
  };
  return {
    name: "detection",
    rows: [
      row("block -> payment.pending p50", pending, 50),
      row("block -> payment.pending p95", pending, 95, `<= ${limit} ms`),
      row("threshold -> payment.confirmed p50", confirmed, 50),
      row("threshold -> payment.confirmed p95", confirmed, 95, `<= ${limit} ms`),
      { metric: "payments measured", value: pending.length, unit: "count", baseline: PAYMENTS },
    ],
    notes: [
      `baseline = the poll interval (${POLL_MS} ms); ratio = latency / poll interval. Watcher, dispatcher and API in one process, receiver verifying every signature.`,
      `max pending ${pending.at(-1)} ms, max confirmed ${confirmed.at(-1)} ms.`,
    ],
  };
}

/** When the receiver accepted (2xx) the first event of `type` for each intent, in the order of `intents`. */
async function acceptedAt(
  requests: readonly { body: string; status: number; receivedAt: number }[],
  intents: string[],
  type: string,
): Promise<number[]> {
  const found = new Map<string, number>();
  await until(
    () => {
      for (const request of requests) {
        if (request.status !== 200) continue;
        const event = JSON.parse(request.body) as { type: string; data: { payment_intent: { id: string } } };
        if (event.type !== type) continue;
        const id = event.data.payment_intent.id;
        if (intents.includes(id) && !found.has(id)) found.set(id, request.receivedAt);
      }
      return found.size === intents.length;
    },
    { timeoutMs: 30_000, intervalMs: 5, message: `${type} for ${intents.length} intents` },
  );
  return intents.map((id) => found.get(id)!);
}
