import type { Route } from "../http/route.ts";
import { eventRoutes } from "./events.ts";
import { paymentIntentRoutes } from "./payment-intents.ts";
import { quoteRoutes } from "./quotes.ts";
import { webhookEndpointRoutes } from "./webhook-endpoints.ts";

/** Every authenticated `/v1` endpoint; the app mounts these and the OpenAPI document lists them. */
export const v1Routes: readonly Route[] = [
  ...paymentIntentRoutes,
  ...quoteRoutes,
  ...webhookEndpointRoutes,
  ...eventRoutes,
];
