import { createEndpoint, type Db, type IntentObject, newId } from "@paygate/shared";
import { type Stack, until } from "@paygate/testkit";

/**
 * What the webhook scenarios (S16-S21) share on top of the stack: real intents paid on Anvil whose events the
 * watcher writes, merchants and endpoints of their own, and the delivery records to check.
 */

export interface OutboxEvent {
  id: string;
  type: string;
  body: string;
}

/**
 * 20 metadata values of 500 characters, part two-byte text: about 12 KB of JSON, the most the API accepts, so
 * event bodies come as near the contract's 20 KiB as a real intent's can.
 */
export const LARGE_METADATA: Record<string, string> = Object.fromEntries(
  Array.from({ length: 20 }, (_, i) => [
    `note_${String(i).padStart(2, "0")}`,
    "é".repeat(90) + "x".repeat(410),
  ]),
);

/**
 * A real intent paid in full on Anvil, reconciled by the watcher: resolves with its outbox events once it has
 * written `payment.pending` (and `payment.confirmed` as well with `confirm`).
 */
export async function payIntent(
  stack: Stack,
  options: { metadata?: Record<string, string>; confirm?: boolean } = {},
): Promise<{ intent: IntentObject; events: OutboxEvent[] }> {
  const intent = await stack.createIntent({
    amount: "0.01",
    asset: "ETH",
    metadata: options.metadata ?? LARGE_METADATA,
  });
  await stack.pay(intent.address, "0.01");
  if (options.confirm) await stack.mine(1);
  const count = options.confirm ? 2 : 1;
  const events = await until(
    async () => {
      const rows = await outboxEventsOf(stack.db, intent.id);
      return rows.length >= count ? rows : undefined;
    },
    { timeoutMs: 15_000, message: `${count} events of ${intent.id} in the outbox` },
  );
  return { intent, events };
}

export async function outboxEventsOf(db: Db, intentId: string): Promise<OutboxEvent[]> {
  return db
    .selectFrom("events")
    .select(["id", "type", "body"])
    .where("intent_id", "=", intentId)
    .orderBy("sequence")
    .execute();
}

export async function createMerchant(db: Db): Promise<string> {
  const id = newId("mer");
  await db.insertInto("merchants").values({ id, name: "Webhook test shop" }).execute();
  return id;
}

export async function registerEndpoint(db: Db, merchantId: string, url: string, events?: string[]) {
  return createEndpoint(db, merchantId, { url, events }, { env: "development", allowedCidrs: [] });
}

export async function deliveriesOf(db: Db, eventId: string) {
  return db.selectFrom("deliveries").selectAll().where("event_id", "=", eventId).orderBy("id").execute();
}

export async function attemptsOf(db: Db, deliveryId: string) {
  return db
    .selectFrom("delivery_attempts")
    .selectAll()
    .where("delivery_id", "=", deliveryId)
    .orderBy("attempt")
    .execute();
}
