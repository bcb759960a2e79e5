import { randomUUID } from "node:crypto";
import type { Logger } from "@paygate/shared";
import type { Request, RequestHandler, Response } from "express";
import { pinoHttp } from "pino-http";
import { authOf } from "./auth.ts";

const incomingId = /^[A-Za-z0-9._:-]{1,128}$/;
const routine = /^\/(pay\/[^/?]+\/(status|regions)|healthz|readyz|metrics)(\?|$)/;

/**
 * One structured line per request: request id (taken from `X-Request-Id` when sane, echoed back), merchant
 * id once authenticated, method, path, status, duration. Headers and bodies are not logged: they carry keys.
 */
export function requestLog(logger: Logger): RequestHandler {
  return pinoHttp<Request, Response>({
    logger,
    genReqId(request, response) {
      const presented = request.headers["x-request-id"];
      const id =
        typeof presented === "string" && incomingId.test(presented) ? presented : `req_${randomUUID()}`;
      response.setHeader("X-Request-Id", id);
      return id;
    },
    customProps: (_request, response) => {
      const auth = authOf(response);
      return auth ? { merchantId: auth.merchantId } : {};
    },
    customLogLevel: (request, response, error) => {
      if (error || response.statusCode >= 500) return "error";
      if (response.statusCode >= 400) return "warn";
      // an open checkout page polls every 2 s, and probes and scrapers call all day: keep them out of info
      return routine.test(request.url ?? "") ? "debug" : "info";
    },
    serializers: {
      req: (request: { id: string; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        path: request.url.split("?")[0],
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  });
}
