import type { EventType } from "../intents/state-machine.ts";

/** Every event type an endpoint may subscribe to (contract section 4); `*` subscribes to all. */
export const WEBHOOK_EVENT_TYPES: readonly (EventType | "webhook.test")[] = [
  "payment.pending",
  "payment.confirmed",
  "payment.underpaid",
  "payment.expired",
  "payment.overpaid",
  "payment.reverted",
  "payment.canceled",
  "webhook.test",
];

export function subscribesTo(eventTypes: readonly string[], type: string): boolean {
  return eventTypes.includes("*") || eventTypes.includes(type);
}
