import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface DemoReceiver {
  url: string;
  /** Set once the endpoint is registered (its secret is known only then). */
  setSecret(secret: string): void;
  close(): Promise<void>;
}

/** What a receiver reports of an event; the payload itself stays out of logs. */
export interface WebhookSummary {
  id: string;
  type: string;
  intent?: string;
  status?: string;
  sequence?: number;
}

export type ReceivedWebhook = { verified: true; event: WebhookSummary } | { verified: false; reason: string };

/**
 * A merchant's webhook endpoint, the way one should be written: verify the signature over the raw body first
 * with the Standard Webhooks library, as merchants do, then answer 2xx fast (400 when it does not verify).
 * `onWebhook` hears each one.
 */
export async function startDemoReceiver(options: {
  /** 0: a free port. */
  port: number;
  onWebhook: (received: ReceivedWebhook) => void;
}): Promise<DemoReceiver> {
  let secret: string | undefined;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      if (!secret) throw new Error("no secret yet");
      const event = summarize(new Webhook(secret).verify(body, request.headers as Record<string, string>));
      response.writeHead(200).end();
      options.onWebhook({ verified: true, event });
    } catch (error) {
      response.writeHead(400).end("signature did not verify");
      options.onWebhook({
        verified: false,
        reason: error instanceof Error ? error.message : "unparseable",
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    setSecret(value) {
      secret = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function summarize(event: unknown): WebhookSummary {
  const parsed = event as {
    id: string;
    type: string;
    data?: { payment_intent?: { id?: string; status?: string }; sequence?: number };
  };
  return {
    id: parsed.id,
    type: parsed.type,
    intent: parsed.data?.payment_intent?.id,
    status: parsed.data?.payment_intent?.status,
    sequence: parsed.data?.sequence,
  };
}
