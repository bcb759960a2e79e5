import { Counter, Histogram, Registry } from "prom-client";
import type { AttemptResult, WebhookClient } from "../deliveries/webhook-client.ts";

export interface DeliveryMetrics {
  registry: Registry;
  attempts: Counter<"outcome">;
  attemptDuration: Histogram<"outcome">;
  deliveryLatency: Histogram;
}

export type AttemptOutcomeLabel =
  | "success"
  | "redirect"
  | "client_error"
  | "server_error"
  | "timeout"
  | "connection_error"
  | "blocked";

export function createDeliveryMetrics(): DeliveryMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    attempts: new Counter({
      name: "paygate_webhook_attempts_total",
      help: "Webhook delivery attempts by outcome (success: any 2xx)",
      labelNames: ["outcome"],
      registers,
    }),
    attemptDuration: new Histogram({
      name: "paygate_webhook_attempt_duration_seconds",
      help: "Time one webhook POST took, connect to response or timeout",
      labelNames: ["outcome"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers,
    }),
    deliveryLatency: new Histogram({
      name: "paygate_webhook_delivery_latency_seconds",
      help: "From the event's creation to a successful attempt (retries and manual resends included)",
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 86_400],
      registers,
    }),
  };
}

/** Pure: what one attempt came to, as a bounded label set. */
export function attemptOutcome(result: AttemptResult): AttemptOutcomeLabel {
  if (result.kind === "timeout") return "timeout";
  if (result.kind === "error") return result.error?.startsWith("blocked:") ? "blocked" : "connection_error";
  const status = result.statusCode ?? 0;
  if (status >= 200 && status < 300) return "success";
  if (status >= 300 && status < 400) return "redirect";
  return status >= 500 ? "server_error" : "client_error";
}

/** Counts every attempt where it happens, around the client, so the delivery logic stays free of metrics. */
export function instrumentWebhookClient(client: WebhookClient, metrics: DeliveryMetrics): WebhookClient {
  return {
    async send(webhook) {
      const result = await client.send(webhook);
      const outcome = attemptOutcome(result);
      metrics.attempts.inc({ outcome });
      metrics.attemptDuration.observe({ outcome }, result.durationMs / 1000);
      const createdAt = outcome === "success" ? eventCreatedAt(webhook.body) : undefined;
      if (createdAt !== undefined) metrics.deliveryLatency.observe((Date.now() - createdAt) / 1000);
      return result;
    },
    close: () => client.close(),
  };
}

/** The event body carries its own `created_at` (contract section 4); bodies are small, parsing is cheap. */
function eventCreatedAt(body: string): number | undefined {
  try {
    const at = Date.parse((JSON.parse(body) as { created_at?: string }).created_at ?? "");
    return Number.isNaN(at) ? undefined : at;
  } catch {
    return undefined;
  }
}
