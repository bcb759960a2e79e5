import { eventKey, expectedEventSets, type IntentFacts } from "./expected-events.ts";
import type { ReceivedWebhook } from "./flaky-receiver.ts";

export interface OracleFindings {
  violations: string[];
  /** Intents whose received events equal an expected set, with `sequence` 1..n and one id per position. */
  matched: number;
}

interface SeenEvent {
  type: string;
  sequence: number | undefined;
  payment: string | undefined;
  accepted: boolean;
}

/**
 * Checks the receiver's log against the events each intent must have produced (`expected-events.ts`): every
 * expected event delivered at least once, no unexpected one, each intent's `sequence` values 1..n without a
 * gap, and no two event ids for one cause (one position in the sequence, or one occurrence the rules allow).
 * Only requests whose signature verified count.
 */
export function checkIntentEvents(
  intents: readonly { id: string; label: string; facts: IntentFacts }[],
  received: readonly ReceivedWebhook[],
): OracleFindings {
  const byIntent = new Map<string, Map<string, SeenEvent>>();
  const violations: string[] = [];
  for (const request of received) {
    if (!request.valid || !request.intentId) continue;
    const events = byIntent.get(request.intentId) ?? new Map<string, SeenEvent>();
    byIntent.set(request.intentId, events);
    const seen = events.get(request.eventId);
    if (seen && (seen.type !== request.type || seen.sequence !== request.sequence))
      violations.push(`${request.intentId}: event ${request.eventId} sent with different bodies`);
    events.set(request.eventId, {
      type: request.type,
      sequence: request.sequence,
      payment: request.payment,
      accepted: (seen?.accepted ?? false) || request.answer === 200,
    });
  }

  let matched = 0;
  for (const intent of intents) {
    const events = [...(byIntent.get(intent.id)?.entries() ?? [])];
    const problems: string[] = [];
    const notAccepted = events
      .filter(([, event]) => !event.accepted)
      .map(([id, event]) => `${event.type} ${id}`);
    if (notAccepted.length > 0) problems.push(`never accepted: ${notAccepted.join(", ")}`);

    const sequences = events.map(([, event]) => event.sequence ?? 0).sort((a, b) => a - b);
    const atSequence = new Map<number, string[]>();
    for (const [id, event] of events)
      atSequence.set(event.sequence ?? 0, [...(atSequence.get(event.sequence ?? 0) ?? []), id]);
    for (const [sequence, ids] of atSequence)
      if (ids.length > 1)
        problems.push(`two event ids for one cause (sequence ${sequence}): ${ids.join(", ")}`);
    const gapless = sequences.every((sequence, i) => sequence === i + 1);
    if (!gapless && atSequence.size === sequences.length)
      problems.push(`sequence ${sequences.join(",")}, not 1..${sequences.length}`);

    const got = events.map(([, event]) => eventKey(event.type, event.payment)).sort();
    const expected = expectedEventSets(intent.facts);
    if (!expected.some((set) => sameList(set, got)))
      problems.push(
        `expected ${expected.map((set) => `[${set.join(", ")}]`).join(" or ")}, got [${got.join(", ")}]`,
      );

    if (problems.length === 0) matched++;
    else violations.push(...problems.map((problem) => `${intent.label}: ${problem}`));
  }
  return { violations, matched };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
