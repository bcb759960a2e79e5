import { randomUUID } from "node:crypto";
import type { IntentObject } from "@paygate/shared";
import { parseEther } from "viem";
import { devChain } from "../anvil/dev-chain.ts";
import { apiClient } from "../api/api-client.ts";
import { type ReceivedWebhook, startDemoReceiver } from "../receiver/demo-receiver.ts";
import type { DevSession } from "../session/dev-session.ts";

export interface DemoOptions {
  /** ETH, a decimal string. */
  amount: string;
  /** Seconds to wait for the verified `payment.confirmed`. */
  timeout: number;
  /** Resolves when the demo is asked to stop (Ctrl-C): it cleans up and ends without failing. */
  interrupted: Promise<unknown>;
  print(line: string): void;
}

/** The demo was stopped on request before the payment confirmed. */
class DemoInterrupted extends Error {
  override name = "DemoInterrupted";
}

/**
 * Against a running `paygate dev`, what a shop does: register a webhook endpoint (its own receiver, on a free
 * port), create an intent, and, playing the customer, pay it from an Anvil account, mine to the threshold, then
 * print each webhook as it arrives with its verification result. Returns the exit code: 0 once
 * `payment.confirmed` arrived verified (or the demo was interrupted and cleaned up), 1 otherwise. Whatever
 * happens, the endpoint it registered is removed.
 */
export async function runDemo(session: DevSession, options: DemoOptions): Promise<number> {
  const { print } = options;
  const api = apiClient(session.apiUrl, session.apiKey);
  const chain = devChain(session.rpcUrl, session.chainId);

  let intentId: string | undefined;
  let confirmed: () => void = () => {};
  const confirmation = new Promise<void>((resolve) => {
    confirmed = resolve;
  });
  let refused = 0;
  const onWebhook = (received: ReceivedWebhook) => {
    if (!received.verified) {
      refused++;
      print(`  webhook REFUSED: signature did not verify (${received.reason})`);
      return;
    }
    const { event } = received;
    if (event.intent !== intentId) return; // another intent of the demo merchant
    print(
      `  webhook ${event.type.padEnd(18)} ${event.id}  sequence ${event.sequence}  status ${event.status}  ` +
        "signature verified",
    );
    if (event.type === "payment.confirmed") confirmed();
  };
  const receiver = await startDemoReceiver({ port: 0, onWebhook });
  const endpoint = await api.request<{ id: string; secret: string }>("POST", "/v1/webhook-endpoints", {
    url: receiver.url,
    events: ["*"],
    description: "paygate demo",
  });
  receiver.setSecret(endpoint.secret);
  let timer: NodeJS.Timeout | undefined;
  // every step below races the interruption, so Ctrl-C never waits for a payment or a timeout
  const interrupted = options.interrupted.then(() => {
    throw new DemoInterrupted();
  });
  interrupted.catch(() => {});
  const unlessInterrupted = <T>(step: Promise<T>) => Promise.race([step, interrupted]);
  let exitCode = 0;
  try {
    print(`paygate demo against ${session.apiUrl} (Anvil ${session.rpcUrl})`);
    print(`  webhook endpoint ${endpoint.id} -> ${receiver.url} (this demo's receiver)`);
    const intent = await unlessInterrupted(
      api.request<IntentObject>(
        "POST",
        "/v1/payment-intents",
        {
          amount: options.amount,
          currency: "ETH",
          asset: "ETH",
          chain: "anvil",
          order_id: `demo-${Date.now()}`,
        },
        { "idempotency-key": randomUUID() },
      ),
    );
    intentId = intent.id;
    print(
      `  intent ${intent.id}: ${intent.amount_due} ETH to ${intent.address}, ` +
        `${intent.required_confirmations} confirmations required`,
    );
    const payment = await unlessInterrupted(
      chain.pay(intent.address as `0x${string}`, parseEther(intent.amount_due)),
    );
    print(
      `  paid from ${payment.from} (Anvil account #${payment.accountIndex}): ${payment.hash}, ` +
        `block ${payment.blockNumber}`,
    );
    const mined = await unlessInterrupted(
      chain.mineToConfirmations(payment.blockNumber, intent.required_confirmations),
    );
    print(`  mined ${mined} more block(s): ${intent.required_confirmations} confirmations`);
    await unlessInterrupted(
      Promise.race([
        confirmation,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no verified payment.confirmed within ${options.timeout} s`)),
            options.timeout * 1000,
          );
        }),
      ]),
    );
    const final = await api.request<IntentObject>("GET", `/v1/payment-intents/${intent.id}`);
    print(`intent ${final.id} is ${final.status}: ${final.amount_confirmed} ETH confirmed`);
    if (refused > 0) exitCode = 1;
  } catch (error) {
    if (error instanceof DemoInterrupted) print("interrupted: cleaning up");
    else {
      process.stderr.write(`paygate demo: ${(error as Error).message}\n`);
      exitCode = 1;
    }
  } finally {
    clearTimeout(timer);
    await api.request("DELETE", `/v1/webhook-endpoints/${endpoint.id}`).then(
      () => print(`  webhook endpoint ${endpoint.id} removed`),
      () => {},
    );
    await receiver.close();
    print("paygate demo stopped");
  }
  return exitCode;
}
