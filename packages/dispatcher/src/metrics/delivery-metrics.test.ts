import { describe, expect, it } from "vitest";
import type { AttemptResult } from "../deliveries/webhook-client.ts";
import { attemptOutcome } from "./delivery-metrics.ts";

const result = (overrides: Partial<AttemptResult>): AttemptResult => ({
  kind: "response",
  statusCode: 200,
  retryAfter: undefined,
  responseBody: null,
  error: null,
  durationMs: 12,
  ...overrides,
});

describe("attemptOutcome", () => {
  it.each([
    [result({ statusCode: 200 }), "success"],
    [result({ statusCode: 204 }), "success"],
    [result({ statusCode: 301 }), "redirect"],
    [result({ statusCode: 410 }), "client_error"],
    [result({ statusCode: 429 }), "client_error"],
    [result({ statusCode: 502 }), "server_error"],
    [result({ kind: "timeout", statusCode: null }), "timeout"],
    [result({ kind: "error", statusCode: null, error: "ECONNREFUSED" }), "connection_error"],
    [result({ kind: "error", statusCode: null, error: "blocked: 10.0.0.1 is private" }), "blocked"],
  ])("%o is %s", (attempt, outcome) => {
    expect(attemptOutcome(attempt)).toBe(outcome);
  });
});
