import express, { type Request, type RequestHandler } from "express";
import { mountCheckout } from "./checkout/checkout-routes.ts";
import { type ApiDeps, DEFAULT_IP_LIMITS, DEFAULT_RATE_LIMIT } from "./deps.ts";
import { UnsupportedMediaTypeError } from "./http/api-errors.ts";
import { authenticate } from "./http/auth.ts";
import { BODY_LIMIT_BYTES, errorHandler, routeNotFound } from "./http/error-handler.ts";
import { limitFailedAuthentications, rateLimitPerIp, rateLimitPerKey } from "./http/rate-limit.ts";
import { REPLAY_PATHS, replayLimitPerMerchant } from "./http/replay-limit.ts";
import { requestLog } from "./http/request-log.ts";
import { mountRoute } from "./http/route.ts";
import { renderDocsPage } from "./openapi/docs-page.ts";
import { openApiDocument } from "./openapi/document.ts";
import { mountHealth } from "./routes/health.ts";
import { v1Routes } from "./routes/index.ts";

/** Bodies are JSON; anything else is refused before it is read. An empty POST (a cancel) has no type. */
const jsonBodiesOnly: RequestHandler = (request, _response, next) => {
  const writes = request.method === "POST" || request.method === "PATCH";
  const length = request.headers["content-length"];
  const hasBody =
    request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
  if (writes && hasBody && !isJson(request)) throw new UnsupportedMediaTypeError();
  next();
};

function isJson(request: Request): boolean {
  try {
    return Boolean(request.is("application/json"));
  } catch {
    return false; // an unparseable content-type header
  }
}

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  // request.ip is the socket's peer unless it is a proxy TRUST_PROXY names (then X-Forwarded-For's client)
  app.set("trust proxy", deps.config.trustProxy.length > 0 ? deps.config.trustProxy : false);
  const ipLimits = deps.ipLimits ?? DEFAULT_IP_LIMITS;
  app.use(requestLog(deps.logger));

  const document = openApiDocument(v1Routes, deps.config.publicUrl);
  const docsPage = renderDocsPage(document);
  mountHealth(app);
  app.use("/pay", rateLimitPerIp(ipLimits.checkout));
  mountCheckout(app, deps);
  app.get("/openapi.json", (_request, response) => {
    response.json(document);
  });
  app.get("/docs", (_request, response) => {
    response.type("html").send(docsPage);
  });

  app.use(
    "/v1",
    limitFailedAuthentications(ipLimits.failedAuthentications),
    authenticate(deps.db),
    rateLimitPerKey(deps.rateLimit ?? DEFAULT_RATE_LIMIT),
    jsonBodiesOnly,
    express.json({ limit: BODY_LIMIT_BYTES, strict: true }),
  );
  app.post(REPLAY_PATHS, replayLimitPerMerchant());
  const v1 = express.Router();
  for (const route of v1Routes) mountRoute(v1, route, deps);
  app.use(v1);

  app.use(routeNotFound);
  app.use(errorHandler);
  return app;
}
