import type { Db, DeliveriesTable, WebhookEndpointsTable } from "@paygate/shared";
import { newId } from "@paygate/shared";
import { type RawBuilder, type Selectable, sql } from "kysely";
import { batchCalls } from "./call-batcher.ts";
import type { Verdict } from "./retry-plan.ts";
import type { AttemptResult } from "./webhook-client.ts";

/**
 * The two statements of an attempt, written as SQL rather than built per call: they run for every delivery,
 * and building and compiling them with the query builder cost more CPU than the rest of the attempt's own
 * code (benchmark profile). Each is one round trip.
 */

/** A signing key as loaded with the delivery; `expires_at_ms` is null while the key is current. */
export interface SigningKey {
  secret: string;
  /** `expires_at` in unix ms, rounded up: `expires_at_ms > t` exactly when `expires_at > t` for a ms time t. */
  expires_at_ms: number | null;
}

export type DeliveryTarget = Pick<
  Selectable<DeliveriesTable>,
  "id" | "status" | "manual" | "attempt_count" | "next_attempt_at" | "event_id"
> &
  Pick<Selectable<WebhookEndpointsTable>, "url" | "enabled" | "deleted_at"> & {
    body: string;
    endpoint_id: string;
    merchant_id: string;
    /** Keys valid at `now`, newest first; check each again against the attempt's start. */
    signing_keys: SigningKey[];
  };

/** The delivery, its event's body, its endpoint and the endpoint's signing keys, in one round trip. */
export async function loadDelivery(
  db: Db,
  deliveryId: string,
  now: Date,
): Promise<DeliveryTarget | undefined> {
  return (await loadDeliveries(db, [deliveryId], now))[0];
}

/** `loadDelivery` for many deliveries in one round trip: one answer per id, in order (undefined if unknown). */
export async function loadDeliveries(
  db: Db,
  deliveryIds: readonly string[],
  now: Date,
): Promise<(DeliveryTarget | undefined)[]> {
  const { rows } = await sql<DeliveryTarget>`
    select d.id, d.status, d.manual, d.attempt_count, d.next_attempt_at, d.event_id, ev.body,
      e.id as endpoint_id, e.merchant_id, e.url, e.enabled, e.deleted_at,
      (
        select coalesce(
          json_agg(
            json_build_object('secret', s.secret, 'expires_at_ms', ceil(extract(epoch from s.expires_at) * 1000))
            order by s.created_at desc, s.id desc
          ),
          '[]'::json
        )
        from webhook_secrets s
        where s.endpoint_id = e.id and (s.expires_at is null or s.expires_at > ${now})
      ) as signing_keys
    from deliveries d
    join events ev on ev.id = d.event_id
    join webhook_endpoints e on e.id = d.endpoint_id
    where d.id = any(${deliveryIds})
  `.execute(db);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return deliveryIds.map((id) => byId.get(id));
}

export interface AttemptRecord {
  target: DeliveryTarget;
  /** 1 for the first attempt. */
  attempt: number;
  result: AttemptResult;
  verdict: Verdict;
  startedAt: Date;
  finishedAt: Date;
  nextAttemptAt: Date | null;
  disableAfterFailingMs: number;
}

/**
 * One statement, so as atomic as a transaction: the delivery's next state, guarded by the attempt count it was
 * read with, and only if that update matched, the attempt row and the endpoint's health. Returns false when
 * someone else recorded this attempt (a duplicate job after a stall): theirs stands.
 */
export async function recordAttempt(db: Db, record: AttemptRecord): Promise<boolean> {
  const { target, attempt, result, verdict, startedAt, finishedAt, nextAttemptAt } = record;
  const status = verdict.kind === "retry" ? "pending" : verdict.kind === "succeeded" ? "succeeded" : "failed";
  const { rows } = await sql<{ id: string }>`
    with updated as (
      update deliveries
      set attempt_count = ${attempt}, last_attempt_at = ${startedAt}, status = ${status},
        next_attempt_at = ${nextAttemptAt}, completed_at = ${verdict.kind === "retry" ? null : finishedAt}
      where id = ${target.id} and status = 'pending' and attempt_count = ${target.attempt_count}
      returning id
    ),
    attempt as (
      insert into delivery_attempts
        (id, delivery_id, attempt, status_code, error, response_body, duration_ms, started_at)
      select ${newId("att")}, id, ${attempt}, ${result.statusCode}, ${result.error}, ${result.responseBody},
        ${result.durationMs}, ${startedAt}
      from updated
    ),
    health as (
      ${endpointHealthUpdate(target.endpoint_id, verdict, finishedAt, record.disableAfterFailingMs)}
    ),
    reached as (
      ${reachedUpdate(target, verdict, finishedAt)}
    )
    select id from updated
  `.execute(db);
  return rows.length > 0;
}

/**
 * Once an event has reached an endpoint its delivery there is done: a success (a manual resend, typically) ends
 * the automatic delivery of the same event to the same endpoint, whose scheduled retry would send it again.
 * Manual deliveries still pending stay: the merchant asked for them. Runs only if the delivery's update did.
 */
function reachedUpdate(target: DeliveryTarget, verdict: Verdict, now: Date): RawBuilder<unknown> {
  if (verdict.kind !== "succeeded") return sql`select`;
  return sql`update deliveries
    set status = 'succeeded', next_attempt_at = null, completed_at = ${now}
    where event_id = ${target.event_id} and endpoint_id = ${target.endpoint_id} and id <> ${target.id}
      and status = 'pending' and not manual and exists (select from updated)`;
}

/**
 * Any 2xx resets the failing clock; a failure starts it. An endpoint failing for longer than the limit, or
 * answering 410 Gone, is disabled until the merchant re-enables it. Runs only if the delivery's update did
 * (`updated` is that statement's CTE); a success on a healthy endpoint, the common case, matches no row.
 */
function endpointHealthUpdate(
  endpointId: string,
  verdict: Verdict,
  now: Date,
  disableAfterFailingMs: number,
): RawBuilder<unknown> {
  const endpoint = sql`id = ${endpointId} and exists (select from updated)`;
  if (verdict.kind === "succeeded") {
    return sql`update webhook_endpoints set failing_since = null where ${endpoint} and failing_since is not null`;
  }
  if (verdict.kind === "gone") {
    return sql`update webhook_endpoints
      set enabled = false, disabled_reason = ${"the endpoint answered 410 Gone"},
        failing_since = coalesce(failing_since, ${now}), updated_at = ${now}
      where ${endpoint}`;
  }
  const limit = new Date(now.getTime() - disableAfterFailingMs);
  const reason = `every delivery failed for ${describeDuration(disableAfterFailingMs)}`;
  return sql`update webhook_endpoints
    set failing_since = coalesce(failing_since, ${now}),
      enabled = enabled and coalesce(failing_since, ${now}) > ${limit},
      disabled_reason = case when enabled and coalesce(failing_since, ${now}) <= ${limit}
        then ${reason} else disabled_reason end
    where ${endpoint}`;
}

/**
 * `recordAttempt` for many successful attempts in one statement (the common case, written for every delivery):
 * the same guards row by row (pending, the attempt count it was read with), the same attempt rows, endpoint
 * health and reached rule. One answer per record, in order: false where someone else recorded that attempt.
 */
export async function recordSuccesses(db: Db, records: readonly AttemptRecord[]): Promise<boolean[]> {
  const column = <T>(pick: (record: AttemptRecord) => T) => records.map(pick);
  const ids = column((r) => r.target.id);
  const { rows } = await sql<{ id: string }>`
    with v as (
      select * from unnest(
        ${ids}::text[], ${column((r) => r.attempt)}::integer[], ${column((r) => r.target.attempt_count)}::integer[],
        ${column((r) => r.startedAt)}::timestamptz[], ${column((r) => r.finishedAt)}::timestamptz[],
        ${column(() => newId("att"))}::text[], ${column((r) => r.result.statusCode)}::integer[],
        ${column((r) => r.result.responseBody)}::text[], ${column((r) => r.result.durationMs)}::integer[],
        ${column((r) => r.target.endpoint_id)}::text[], ${column((r) => r.target.event_id)}::text[]
      ) as v(id, attempt, read_count, started_at, finished_at, attempt_id, status_code, response_body,
        duration_ms, endpoint_id, event_id)
    ),
    updated as (
      update deliveries d
      set attempt_count = v.attempt, last_attempt_at = v.started_at, status = 'succeeded', next_attempt_at = null,
        completed_at = v.finished_at
      from v
      where d.id = v.id and d.status = 'pending' and d.attempt_count = v.read_count
      returning d.id
    ),
    done as (select v.* from v join updated using (id)),
    attempt as (
      insert into delivery_attempts
        (id, delivery_id, attempt, status_code, error, response_body, duration_ms, started_at)
      select attempt_id, id, attempt, status_code, null, response_body, duration_ms, started_at from done
    ),
    health as (
      update webhook_endpoints set failing_since = null
      where id in (select endpoint_id from done) and failing_since is not null
    ),
    reached as (
      update deliveries d
      set status = 'succeeded', next_attempt_at = null, completed_at = done.finished_at
      from done
      where d.event_id = done.event_id and d.endpoint_id = done.endpoint_id and d.id <> all(${ids}::text[])
        and d.status = 'pending' and not d.manual
    )
    select id from updated
  `.execute(db);
  const recorded = new Set(rows.map((row) => row.id));
  return ids.map((id) => recorded.has(id));
}

function describeDuration(ms: number): string {
  const days = ms / 86_400_000;
  return days >= 1 ? `${Number(days.toFixed(1))} days` : `${Math.round(ms / 1000)} s`;
}

/** Loading and recording as the worker's concurrent jobs use them. */
export interface DeliveryRecords {
  load(deliveryId: string): Promise<DeliveryTarget | undefined>;
  record(record: AttemptRecord): Promise<boolean>;
}

/**
 * Loads and successful attempts made in the same turn of the event loop go to PostgreSQL as one statement
 * each (up to `maxBatch` rows); other verdicts, rare, are recorded one by one. Every job still waits for its
 * own row to be written before it finishes, so nothing is acknowledged that PostgreSQL does not hold.
 */
export function batchedDeliveryRecords(db: Db, maxBatch = 64): DeliveryRecords {
  const load = batchCalls((ids: string[]) => loadDeliveries(db, ids, new Date()), maxBatch);
  const recordSuccess = batchCalls(async (records: AttemptRecord[]) => {
    // the same delivery twice in a batch (a duplicate job) would match one update row for both: the first wins
    const seen = new Set<string>();
    const unique = records.filter((r) => !seen.has(r.target.id) && seen.add(r.target.id));
    const answers = await recordSuccesses(db, unique);
    const byRecord = new Map(unique.map((r, i) => [r, answers[i]!]));
    return Promise.all(records.map((r) => byRecord.get(r) ?? recordAttempt(db, r)));
  }, maxBatch);
  return {
    load,
    record: (record) =>
      record.verdict.kind === "succeeded" ? recordSuccess(record) : recordAttempt(db, record),
  };
}
