import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import type { Random } from "./random.ts";

/** One request as the receiver saw it, one JSON line each in its log. */
export interface ReceivedWebhook {
  at: number;
  eventId: string;
  type: string;
  intentId: string | undefined;
  sequence: number | undefined;
  /** The transaction hash of the payment that caused it (payment events carry one). */
  payment: string | undefined;
  /** What the `standardwebhooks` library said about the signature. */
  valid: boolean;
  /** 200, 500 (injected failure) or 0 (held past the dispatcher's 15 s timeout, then dropped). */
  answer: number;
}

export interface FlakyReceiver {
  url: string;
  log: ReceivedWebhook[];
  setSecret(secret: string): void;
  /** `false`: answer 200 to everything from now on (the soak heals before its final check). */
  setFlaky(flaky: boolean): void;
  close(): Promise<void>;
}

const FAIL_RATE = 0.3;
const TIMEOUT_RATE = 0.05;
/** Past the contract's 15 s request timeout, so the dispatcher gives up first. */
const HOLD_MS = 16_000;

/**
 * The merchant's server, badly run: 30% of requests get a 500, 5% are held until the dispatcher times out, the
 * rest a 200. Every request is verified with the `standardwebhooks` library and appended to `logFile`.
 */
export async function startFlakyReceiver(random: Random, logFile: string): Promise<FlakyReceiver> {
  const log: ReceivedWebhook[] = [];
  let webhook: Webhook | undefined;
  let flaky = true;
  const held = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let valid = false;
      try {
        webhook?.verify(body, request.headers as Record<string, string>);
        valid = webhook !== undefined;
      } catch {
        valid = false;
      }
      const event = parse(body);
      const roll = random();
      const answer = !valid
        ? 400
        : !flaky
          ? 200
          : roll < TIMEOUT_RATE
            ? 0
            : roll < TIMEOUT_RATE + FAIL_RATE
              ? 500
              : 200;
      const entry: ReceivedWebhook = {
        at: Date.now(),
        eventId: String(request.headers["webhook-id"] ?? event?.id ?? ""),
        type: event?.type ?? "",
        intentId: event?.data?.payment_intent?.id,
        sequence: event?.data?.sequence,
        payment: event?.data?.payment?.tx_hash?.toLowerCase(),
        valid,
        answer,
      };
      log.push(entry);
      appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
      if (answer === 0) {
        const timer = setTimeout(() => {
          held.delete(timer);
          response.destroy();
        }, HOLD_MS);
        held.add(timer);
        return;
      }
      response.writeHead(answer, { "content-type": "text/plain" }).end(answer === 200 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    log,
    setSecret(secret) {
      webhook = new Webhook(secret);
    },
    setFlaky(value) {
      flaky = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of held) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface EventBody {
  id?: string;
  type?: string;
  data?: { payment_intent?: { id?: string }; payment?: { tx_hash?: string }; sequence?: number };
}

function parse(body: string): EventBody | undefined {
  try {
    return JSON.parse(body) as EventBody;
  } catch {
    return undefined;
  }
}
