import { InvalidRequestError, NotFoundError, PaygateError } from "@paygate/shared";
import type { z } from "zod";

/** Errors only the HTTP edge raises; domain errors come from `@paygate/shared`. */
export class RateLimitedError extends PaygateError {
  constructor() {
    super("rate_limited", "Too many requests; slow down");
  }
}

export class RouteNotFoundError extends NotFoundError {
  constructor(method: string, path: string) {
    super("route", `${method} ${path}`);
  }
}

export class BodyTooLargeError extends PaygateError {
  constructor(limitBytes: number) {
    super("body_too_large", `Request bodies are limited to ${limitBytes / 1024} KiB`);
  }
}

export class UnsupportedMediaTypeError extends PaygateError {
  constructor() {
    super(
      "unsupported_media_type",
      "Request bodies must be JSON (content-type: application/json; charset utf-8)",
    );
  }
}

export class InternalError extends PaygateError {
  constructor() {
    super("internal_error", "An internal error occurred");
  }
}

/** The first zod issue, as the contract's envelope: unknown field, missing field, or invalid value (400). */
export function fromZodIssue(
  issue: z.core.$ZodIssue,
  location: "body" | "query" | "path",
): InvalidRequestError {
  const path = issue.path.map((segment, index) =>
    typeof segment === "number" ? `[${segment}]` : `${index === 0 ? "" : "."}${String(segment)}`,
  );
  const base = path.join("");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    const param = base ? `${base}.${key}` : key;
    return new InvalidRequestError("parameter_unknown", `Unknown ${describe(location)}: '${param}'`, {
      param,
      status: 400,
    });
  }
  const param = base || undefined;
  if (issue.code === "invalid_type" && issue.input === undefined && param) {
    return new InvalidRequestError(
      "parameter_missing",
      `Missing required ${describe(location)}: '${param}'`,
      {
        param,
        status: 400,
      },
    );
  }
  const message = param ? `Invalid ${describe(location)} '${param}': ${issue.message}` : issue.message;
  return new InvalidRequestError("parameter_invalid", message, { param, status: 400 });
}

function describe(location: "body" | "query" | "path"): string {
  return location === "body" ? "parameter" : location === "query" ? "query parameter" : "path parameter";
}
