import { randomUUID } from "node:crypto";
import type { IntentObject } from "@paygate/shared";
import type { Command } from "commander";
import { loadConfigOrExit } from "../context.ts";
import { apiClient } from "../dev/api-client.ts";
import { type ReceivedWebhook, startDemoReceiver } from "../dev/demo-receiver.ts";
import { devSessionPath, readDevSession } from "../dev/dev-session.ts";
import { integerOption } from "./options.ts";

interface DemoOptions {
  amount: string;
  timeout: number;
}

/**
 * `paygate demo`: against a running `paygate dev`, what a shop does: register a webhook endpoint (its own
 * receiver, on a free port), create an intent, and, playing the customer, pay it from an Anvil account, mine to
 * the threshold, then print each webhook as it arrives with its verification result. Exits 0 once
 * `payment.confirmed` arrived verified.
 */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("against a running `paygate dev`: create an intent, pay it on Anvil, print the webhooks")
    .option("--amount <eth>", "amount in ETH", "0.01")
    .option("--timeout <seconds>", "give up after this long", integerOption, 60)
    .action(async (options: DemoOptions) => {
      const config = loadConfigOrExit();
      const session = await readDevSession(devSessionPath(config.port));
      const alive =
        session &&
        (await fetch(`${session.apiUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        ));
      if (!session || !alive) {
        process.stderr.write(
          `paygate demo: no \`paygate dev\` answers on port ${config.port}. Start it first (\`pnpm dev\`, same PORT).\n`,
        );
        process.exit(1);
      }
      const print = (line: string) => process.stdout.write(`${line}\n`);
      const api = apiClient(session.apiUrl, session.apiKey);
      // dev-only (Anvil's accounts come from a dev-only package), so loaded only when the demo runs
      const { devChain } = await import("../dev/demo-payment.ts");
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
      try {
        print(`paygate demo against ${session.apiUrl} (Anvil ${session.rpcUrl})`);
        print(`  webhook endpoint ${endpoint.id} -> ${receiver.url} (this demo's receiver)`);
        const intent = await api.request<IntentObject>(
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
        );
        intentId = intent.id;
        print(
          `  intent ${intent.id}: ${intent.amount_due} ETH to ${intent.address}, ` +
            `${intent.required_confirmations} confirmations required`,
        );
        const payment = await chain.pay(intent.address, intent.amount_due);
        print(
          `  paid from ${payment.from} (Anvil account #${payment.accountIndex}): ${payment.hash}, ` +
            `block ${payment.blockNumber}`,
        );
        const mined = await chain.mineToConfirmations(payment.blockNumber, intent.required_confirmations);
        print(`  mined ${mined} more block(s): ${intent.required_confirmations} confirmations`);
        await Promise.race([
          confirmation,
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`no verified payment.confirmed within ${options.timeout} s`)),
              options.timeout * 1000,
            );
          }),
        ]);
        const final = await api.request<IntentObject>("GET", `/v1/payment-intents/${intent.id}`);
        print(`intent ${final.id} is ${final.status}: ${final.amount_confirmed} ETH confirmed`);
        if (refused > 0) process.exitCode = 1;
      } catch (error) {
        process.stderr.write(`paygate demo: ${(error as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        clearTimeout(timer);
        await api.request("DELETE", `/v1/webhook-endpoints/${endpoint.id}`).catch(() => {});
        await receiver.close();
      }
    });
}
