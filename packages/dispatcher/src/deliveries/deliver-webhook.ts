import { type Database, type Db, type Logger, newId } from "@paygate/shared";
import { type QueryCreator, sql } from "kysely";
import { signatureHeader } from "../signatures/sign.ts";
import type { EndpointSlots } from "./endpoint-slots.ts";
import {
  type AttemptOutcome,
  parseRetryAfter,
  planNextAttempt,
  type RetryPolicy,
  type Verdict,
} from "./retry-plan.ts";
import type { AttemptResult, WebhookClient } from "./webhook-client.ts";

export interface DeliverDependencies {
  db: Db;
  client: WebhookClient;
  slots: EndpointSlots;
  retryPolicy: RetryPolicy;
  /** An endpoint that has done nothing but fail for this long is disabled (contract: 5 days). */
  disableAfterFailingMs: number;
  /** How long a job waits when its endpoint has no free slot; the wait counts no attempt. */
  slotWaitMs: number;
  userAgent: string;
  logger: Logger;
  random?: () => number;
}

/** A signing key as loaded with the delivery; `expires_at_ms` is null while the key is current. */
interface SigningKey {
  secret: string;
  expires_at_ms: number | null;
}

/** What the queue should do with the job next. */
export type Next = { kind: "done" } | { kind: "later"; at: number };

/**
 * One attempt at one delivery, driven by its PostgreSQL row: a stale or duplicate job finds nothing owed and
 * stops; an early one waits for `next_attempt_at`. The attempt, the delivery's next state and the endpoint's
 * health are written in one statement (one transaction) after the request.
 */
export async function deliverWebhook(deps: DeliverDependencies, deliveryId: string): Promise<Next> {
  const { db } = deps;
  const loadedAt = new Date();
  // The delivery, its event, its endpoint and the endpoint's signing keys in one round trip. Keys are taken if
  // valid now and checked again against the attempt's start below (the original test, `expires_at > started`).
  const target = await db
    .selectFrom("deliveries as d")
    .innerJoin("events as ev", "ev.id", "d.event_id")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .select([
      "d.id",
      "d.status",
      "d.manual",
      "d.attempt_count",
      "d.next_attempt_at",
      "d.event_id",
      "ev.body",
      "e.id as endpoint_id",
      "e.url",
      "e.enabled",
      "e.deleted_at",
      sql<SigningKey[]>`(
        select coalesce(
          json_agg(
            json_build_object('secret', s.secret, 'expires_at_ms', ceil(extract(epoch from s.expires_at) * 1000))
            order by s.created_at desc, s.id desc
          ),
          '[]'::json
        )
        from webhook_secrets s
        where s.endpoint_id = e.id and (s.expires_at is null or s.expires_at > ${loadedAt})
      )`.as("signing_keys"),
    ])
    .where("d.id", "=", deliveryId)
    .executeTakeFirst();
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
  if (!(await deps.slots.acquire(target.endpoint_id, target.id))) {
    return { kind: "later", at: Date.now() + deps.slotWaitMs * (0.5 + (deps.random ?? Math.random)()) };
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
    await deps.slots.release(target.endpoint_id, target.id);
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
  // One statement, so as atomic as the transaction it replaces: the delivery's next state, guarded by the
  // attempt count it was read with; the attempt row and the endpoint's health only if that update happened.
  const recorded = await db
    .with("updated", (qb) =>
      qb
        .updateTable("deliveries")
        .set({
          attempt_count: attempt,
          last_attempt_at: startedAt,
          status:
            verdict.kind === "retry" ? "pending" : verdict.kind === "succeeded" ? "succeeded" : "failed",
          next_attempt_at: nextAttemptAt,
          completed_at: verdict.kind === "retry" ? null : finishedAt,
        })
        .where("id", "=", target.id)
        .where("status", "=", "pending")
        // Someone else recorded this attempt (a duplicate job after a stall): theirs stands.
        .where("attempt_count", "=", target.attempt_count)
        .returning("id"),
    )
    .with("attempt", (qb) =>
      qb
        .insertInto("delivery_attempts")
        .columns([
          "id",
          "delivery_id",
          "attempt",
          "status_code",
          "error",
          "response_body",
          "duration_ms",
          "started_at",
        ])
        .expression((eb) =>
          eb
            .selectFrom("updated")
            .select([
              eb.val(newId("att")).as("id"),
              "updated.id as delivery_id",
              eb.val(attempt).as("attempt"),
              eb.val(result.statusCode).as("status_code"),
              eb.val(result.error).as("error"),
              eb.val(result.responseBody).as("response_body"),
              eb.val(result.durationMs).as("duration_ms"),
              eb.val(startedAt).as("started_at"),
            ]),
        ),
    )
    .with("health", (qb) =>
      endpointHealthUpdate(qb, target.endpoint_id, verdict, finishedAt, deps.disableAfterFailingMs).where(
        (eb) => eb.exists(eb.selectFrom("updated").select("updated.id")),
      ),
    )
    .selectFrom("updated")
    .select("updated.id")
    .executeTakeFirst()
    .then((row) => row !== undefined);
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

/**
 * Any 2xx resets the failing clock; a failure starts it. An endpoint failing for longer than the limit, or
 * answering 410 Gone, is disabled until the merchant re-enables it. A success on a healthy endpoint (the
 * common case) matches no row and writes nothing.
 */
function endpointHealthUpdate(
  qb: QueryCreator<Database & { updated: { id: string } }>,
  endpointId: string,
  verdict: Verdict,
  now: Date,
  disableAfterFailingMs: number,
) {
  const update = qb.updateTable("webhook_endpoints").where("webhook_endpoints.id", "=", endpointId);
  if (verdict.kind === "succeeded") {
    return update.set({ failing_since: null }).where("failing_since", "is not", null);
  }
  if (verdict.kind === "gone") {
    return update.set({
      enabled: false,
      disabled_reason: "the endpoint answered 410 Gone",
      failing_since: sql`coalesce(failing_since, ${now})`,
      updated_at: now,
    });
  }
  const limit = new Date(now.getTime() - disableAfterFailingMs);
  return update.set({
    failing_since: sql`coalesce(failing_since, ${now})`,
    enabled: sql`enabled and coalesce(failing_since, ${now}) > ${limit}`,
    disabled_reason: sql`case when enabled and coalesce(failing_since, ${now}) <= ${limit}
        then ${`every delivery failed for ${describeDuration(disableAfterFailingMs)}`} else disabled_reason end`,
  });
}

function describeDuration(ms: number): string {
  const days = ms / 86_400_000;
  return days >= 1 ? `${Number(days.toFixed(1))} days` : `${Math.round(ms / 1000)} s`;
}
