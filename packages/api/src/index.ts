export { createApp } from "./app.ts";
export type { Checkout } from "./checkout/find-checkout.ts";
export {
  type ApiDeps,
  chainsById,
  DEFAULT_IP_LIMITS,
  DEFAULT_RATE_LIMIT,
  type IpLimits,
  type RateLimitOptions,
} from "./deps.ts";
export { openApiDocument } from "./openapi/document.ts";
export * from "./rates/index.ts";
export { v1Routes } from "./routes/index.ts";
export { type RunningApi, type StartApiOptions, startApi } from "./server.ts";
