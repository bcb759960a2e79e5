import { rotateEndpointSecret } from "@paygate/shared";
import { test, until, useStack } from "@paygate/testkit";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { expect } from "vitest";
import { LARGE_METADATA, outboxEventsOf, payIntent } from "./support/webhook-harness.ts";

useStack();

const verifies = (secret: string, request: { body: string; headers: Record<string, string> }) => {
  try {
    new StandardWebhook(secret).verify(request.body, request.headers);
    new SvixWebhook(secret).verify(request.body, request.headers);
    return true;
  } catch {
    return false;
  }
};

test("S21 secret rotation: during the overlap a receiver holding either secret verifies; after it, only the new", async ({
  stack,
}) => {
  const oldSecret = stack.endpoint.secret;
  const rotated = await rotateEndpointSecret(stack.db, stack.merchant.merchantId, stack.endpoint.id);
  const newSecret = rotated.secret;
  expect(newSecret).not.toBe(oldSecret);

  const { intent, events } = await payIntent(stack, {
    metadata: { ...LARGE_METADATA, note_00: "Zoë paid 東京 🚀" },
  });
  const [during] = events;
  expect(during!.type).toBe("payment.pending");
  await until(() => stack.receiver.requests.some((request) => request.headers["webhook-id"] === during!.id));
  const overlap = stack.receiver.requests.find((request) => request.headers["webhook-id"] === during!.id)!;
  expect(overlap.body).toBe(during!.body);
  expect(JSON.parse(overlap.body).data.payment_intent.metadata.note_00).toBe("Zoë paid 東京 🚀");
  expect(overlap.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
  expect(verifies(oldSecret, overlap)).toBe(true);
  expect(verifies(newSecret, overlap)).toBe(true);

  // 24 h later the old key stops signing; the merchant's server holds the new one by then.
  await stack.db
    .updateTable("webhook_secrets")
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where("endpoint_id", "=", stack.endpoint.id)
    .where("expires_at", "is not", null)
    .execute();
  stack.receiver.setSecret(newSecret);
  await stack.mine(1);
  expect(await stack.waitForEvents(intent.id, 2)).toEqual(["payment.pending", "payment.confirmed"]);
  const confirmed = (await outboxEventsOf(stack.db, intent.id))[1]!;
  const after = stack.receiver.requests.find((request) => request.headers["webhook-id"] === confirmed.id)!;
  expect(after.body).toBe(confirmed.body);
  expect(after.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
  expect(verifies(newSecret, after)).toBe(true);
  expect(verifies(oldSecret, after)).toBe(false);
  expect(await stack.intent(intent.id)).toMatchObject({
    status: "confirmed",
    amount_confirmed: "0.010000000000000000",
  });
});
