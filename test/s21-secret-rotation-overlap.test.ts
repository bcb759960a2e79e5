import { type Dispatcher, startDispatcher } from "@paygate/dispatcher";
import { rotateEndpointSecret } from "@paygate/shared";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  createMerchant,
  insertEvent,
  type Receiver,
  registerEndpoint,
  startTestReceiver,
  startWebhookStack,
  until,
  type WebhookStack,
} from "./support/webhook-harness.ts";

let stack: WebhookStack;
let receiver: Receiver;
let dispatcher: Dispatcher;

beforeAll(async () => {
  stack = await startWebhookStack();
  receiver = await startTestReceiver();
  dispatcher = await startDispatcher(stack.config, { sweepIntervalMs: 200 });
});

afterAll(async () => {
  await dispatcher?.stop();
  await receiver?.close();
  await stack?.close();
});

const verifies = (secret: string, request: { body: string; headers: Record<string, unknown> }) => {
  const headers = request.headers as Record<string, string>;
  try {
    new StandardWebhook(secret).verify(request.body, headers);
    new SvixWebhook(secret).verify(request.body, headers);
    return true;
  } catch {
    return false;
  }
};

test("S21 secret rotation: during the overlap a receiver holding either secret verifies; after it, only the new", async () => {
  const merchant = await createMerchant(stack.db);
  const endpoint = await registerEndpoint(stack.db, merchant, receiver.url);
  const oldSecret = endpoint.secret;
  const rotated = await rotateEndpointSecret(stack.db, merchant, endpoint.id);
  const newSecret = rotated.secret;
  expect(newSecret).not.toBe(oldSecret);

  const during = await insertEvent(stack.db, merchant, "payment.pending", {
    note: "Zoë paid 東京 🚀",
    sequence: 1,
  });
  await until(() => receiver.received.length === 1);
  const [overlap] = receiver.received;
  expect(overlap!.body).toBe(during.body);
  expect(String(overlap!.headers["webhook-signature"]).split(" ")).toHaveLength(2);
  expect(verifies(oldSecret, overlap!)).toBe(true);
  expect(verifies(newSecret, overlap!)).toBe(true);

  // 24 h later the old key stops signing.
  await stack.db
    .updateTable("webhook_secrets")
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where("endpoint_id", "=", endpoint.id)
    .where("expires_at", "is not", null)
    .execute();
  await insertEvent(stack.db, merchant, "payment.confirmed");
  await until(() => receiver.received.length === 2);
  const after = receiver.received[1]!;
  expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
  expect(verifies(newSecret, after)).toBe(true);
  expect(verifies(oldSecret, after)).toBe(false);
});
