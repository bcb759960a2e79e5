import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Stack, startStack, until } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * S14: the RPC node down for a while (every call answering errors, then Anvil stopped and restarted): no state
 * change while blind, no crash, catches up after.
 */
let stack: Stack;
let proxy: Server;
let failing = false;
let anvilUrl = "";

/** Forwards JSON-RPC to Anvil; while `failing`, answers every call (batched or not) with a JSON-RPC error. */
async function startRpcProxy(): Promise<string> {
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (failing) {
        const calls = JSON.parse(body);
        const error = (call: { id: number }) => ({
          jsonrpc: "2.0",
          id: call.id,
          error: { code: -32603, message: "node unavailable" },
        });
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify(Array.isArray(calls) ? calls.map(error) : error(calls)));
      }
      try {
        const answer = await fetch(anvilUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const proxyUrl = await startRpcProxy();
  stack = await startStack({
    rpcUrl: (anvil) => {
      anvilUrl = anvil.rpcUrl;
      return proxyUrl;
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => proxy?.close(resolve));
});

function failures(): number {
  return stack.watcher!.metrics.chains.get("anvil")!.pollFailures;
}

async function moreFailures(count: number): Promise<void> {
  const target = failures() + count;
  await until(() => failures() >= target, { timeoutMs: 10_000, message: `${count} more failed polls` });
}

describe("S14 RPC node down", () => {
  it("changes nothing while every RPC call fails (no payment, no expiry), then catches up", async () => {
    const paid = await stack.createIntent({ amount: "1", asset: "ETH" });
    const expiring = await stack.createIntent({ amount: "1", asset: "ETH" });
    failing = true;
    await moreFailures(2);

    const payment = await stack.pay(paid.address, "1");
    await stack.mine(1);
    await stack.setExpiry(expiring.id, 100);
    const expiredAt = Date.now() + 100;
    await moreFailures(3);
    expect(Date.now()).toBeGreaterThan(expiredAt);
    expect(await stack.intent(paid.id)).toMatchObject({ status: "awaiting_payment", payments: [] });
    expect((await stack.intent(expiring.id)).status).toBe("awaiting_payment");
    expect(await stack.recordedEvents(paid.id)).toEqual([]);
    expect(await stack.recordedEvents(expiring.id)).toEqual([]);
    expect(stack.watcher!.metrics.chains.get("anvil")).toMatchObject({ active: true, stopped: false });

    failing = false;
    const confirmed = await stack.waitForStatus(paid.id, "confirmed");
    expect(confirmed.payments).toMatchObject([{ tx_hash: payment.hash, status: "confirmed" }]);
    await stack.waitForStatus(expiring.id, "expired");
    expect(await stack.waitForEvents(paid.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
    expect(await stack.waitForEvents(expiring.id, 1)).toEqual(["payment.expired"]);
  });

  it("survives Anvil stopped and restarted, then sees new payments", async () => {
    const created = await stack.createIntent({ amount: "2", asset: "TUSD" });
    await stack.anvil.stop();
    await moreFailures(3);
    expect(stack.watcher!.metrics.chains.get("anvil")).toMatchObject({ active: true, stopped: false });
    await stack.anvil.start();

    await stack.pay(created.address, "2", { asset: "TUSD" });
    await stack.mine(1);
    await stack.waitForStatus(created.id, "confirmed");
    expect(await stack.waitForEvents(created.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
    expect(await stack.recordedEvents(created.id)).toEqual(["payment.pending", "payment.confirmed"]);
  });
});
