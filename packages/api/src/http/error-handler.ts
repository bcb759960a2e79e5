import { InvalidRequestError, PaygateError } from "@paygate/shared";
import type { ErrorRequestHandler, RequestHandler } from "express";
import {
  BodyTooLargeError,
  InternalError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
} from "./api-errors.ts";

export const BODY_LIMIT_BYTES = 64 * 1024;

/** Anything no route answered. */
export const routeNotFound: RequestHandler = (request, _response, next) => {
  next(new RouteNotFoundError(request.method, request.path));
};

/**
 * The one place errors become answers: `{"error":{"type","code","message","param"?}}`. Paygate errors carry
 * their own status and code; parser and framework errors are mapped; anything else is a 500 whose details go
 * to the log only (by reference to the request id), never into the answer.
 */
export const errorHandler: ErrorRequestHandler = (error, request, response, _next) => {
  const mapped = toPaygateError(error);
  if (mapped instanceof InternalError) {
    request.log.error({ err: error }, "unhandled error");
  }
  if (response.headersSent) {
    response.end();
    return;
  }
  response.status(mapped.status).json({
    error: {
      type: mapped.type,
      code: mapped.code,
      message: mapped.message,
      ...(mapped.param === undefined ? {} : { param: mapped.param }),
    },
  });
};

/** body-parser and Express raise errors with a `type` or a 4xx `status`. */
function toPaygateError(error: unknown): PaygateError {
  if (error instanceof PaygateError) return error;
  if (error === null || typeof error !== "object") return new InternalError();
  const { type, status } = error as { type?: unknown; status?: unknown };
  switch (type) {
    case "entity.too.large":
      return new BodyTooLargeError(BODY_LIMIT_BYTES);
    case "entity.parse.failed":
      return new InvalidRequestError("invalid_json", "The request body is not valid JSON", { status: 400 });
    case "encoding.unsupported":
    case "charset.unsupported":
      return new UnsupportedMediaTypeError();
  }
  // e.g. a path segment that is not valid percent-encoding (the router sets status 400)
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new InvalidRequestError("invalid_request", "The request could not be read", { status: 400 });
  }
  return new InternalError();
}
