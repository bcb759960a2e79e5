export { type Dispatcher, type DispatcherOptions, startDispatcher } from "./dispatcher.ts";
export { createDeliveryMetrics, type DeliveryMetrics } from "./metrics/delivery-metrics.ts";
export { signatureHeader, signWebhook } from "./signatures/sign.ts";
