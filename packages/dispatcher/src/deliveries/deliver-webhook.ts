import type { Db, Logger } from "@paygate/shared";
import { signatureHeader } from "../signatures/sign.ts";
import type { DeliveryRecords } from "./delivery-record.ts";
import type { DeliverySlots } from "./delivery-slots.ts";
import { type AttemptOutcome, parseRetryAfter, planNextAttempt, type RetryPolicy } from "./retry-plan.ts";
import type { AttemptResult, WebhookClient } from "./webhook-client.ts";

export interface DeliverDependencies {
  db: Db;
  /** Loads deliveries and records attempts (batched across concurrent jobs). */
  records: DeliveryRecords;
  client: WebhookClient;
  slots: DeliverySlots;
  retryPolicy: RetryPolicy;
  /** An endpoint that has done nothing but fail for this long is disabled (contract: 5 days). */
  disableAfterFailingMs: number;
  /** How long a job waits when its endpoint has no free slot; the wait counts no attempt. */
  slotWaitMs: number;
  /**
   * Longest wait when its merchant has no free slot. The wait doubles with each time the job found it full:
   * a merchant whose endpoints hang keeps its backlog in the delayed set instead of cycling it through the
   * workers every few hundred milliseconds in front of everyone else.
   */
  maxMerchantWaitMs: number;
  userAgent: string;
  logger: Logger;
  random?: () => number;
}

/** What the queue should do with the job next. */
export type Next = { kind: "done" } | { kind: "later"; at: number };

/**
 * One attempt at one delivery, driven by its PostgreSQL row: a stale or duplicate job finds nothing owed and
 * stops; an early one waits for `next_attempt_at`. The attempt, the delivery's next state and the endpoint's
 * health are written in one statement (one transaction) after the request.
 */
export async function deliverWebhook(
  deps: DeliverDependencies,
  deliveryId: string,
  /** How many times this job has been taken before (BullMQ's `attemptsStarted`): the backoff's exponent. */
  timesTaken = 0,
): Promise<Next> {
  const { db } = deps;
  const target = await deps.records.load(deliveryId);
  if (target?.status !== "pending") return { kind: "done" };
  if (target.next_attempt_at && target.next_attempt_at.getTime() > Date.now()) {
    return { kind: "later", at: target.next_attempt_at.getTime() };
  }
  // A deleted endpoint gets nothing; a disabled one only what the merchant asked for by hand (test, resend).
  if (target.deleted_at || (!target.enabled && !target.manual)) {
    await db
      .updateTable("deliveries")
      .set({ status: "failed", next_attempt_at: null, completed_at: new Date() })
      .where("id", "=", target.id)
      .where("status", "=", "pending")
      .execute();
    return { kind: "done" };
  }
  const owner = { endpointId: target.endpoint_id, merchantId: target.merchant_id };
  const slot = await deps.slots.acquire(owner, target.id);
  if (slot !== "granted") {
    const wait =
      slot === "endpoint_full"
        ? deps.slotWaitMs
        : Math.min(deps.slotWaitMs * 2 ** Math.min(timesTaken, 16), deps.maxMerchantWaitMs);
    return { kind: "later", at: Date.now() + wait * (0.5 + (deps.random ?? Math.random)()) };
  }

  const startedAt = new Date();
  let result: AttemptResult;
  try {
    // microsecond expiry rounded up to the millisecond: `expires_at_ms > started` iff `expires_at > started`
    const secrets = target.signing_keys
      .filter((key) => key.expires_at_ms === null || key.expires_at_ms > startedAt.getTime())
      .map((key) => key.secret);
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    result = await deps.client.send({
      url: target.url,
      body: target.body,
      headers: {
        "content-type": "application/json",
        "user-agent": deps.userAgent,
        "webhook-id": target.event_id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signatureHeader(secrets, target.event_id, timestamp, target.body),
      },
    });
  } finally {
    await deps.slots.release(owner, target.id);
  }

  const finishedAt = new Date();
  const attempt = target.attempt_count + 1;
  const verdict = planNextAttempt(
    outcomeOf(result, finishedAt),
    attempt,
    target.manual,
    deps.retryPolicy,
    deps.random ?? Math.random,
  );
  const nextAttemptAt = verdict.kind === "retry" ? new Date(finishedAt.getTime() + verdict.delayMs) : null;
  const recorded = await deps.records.record({
    target,
    attempt,
    result,
    verdict,
    startedAt,
    finishedAt,
    nextAttemptAt,
    disableAfterFailingMs: deps.disableAfterFailingMs,
  });
  deps.logger.info(
    {
      delivery: target.id,
      event: target.event_id,
      endpoint: target.endpoint_id,
      attempt,
      status: result.statusCode,
      error: result.error,
      durationMs: result.durationMs,
      verdict: verdict.kind,
      nextAttemptAt,
      recorded,
    },
    "webhook attempt",
  );
  return recorded && nextAttemptAt ? { kind: "later", at: nextAttemptAt.getTime() } : { kind: "done" };
}

function outcomeOf(result: AttemptResult, now: Date): AttemptOutcome {
  if (result.kind === "response") {
    return {
      kind: "response",
      statusCode: result.statusCode!,
      retryAfterSeconds: parseRetryAfter(result.retryAfter, now),
    };
  }
  return { kind: result.kind };
}
