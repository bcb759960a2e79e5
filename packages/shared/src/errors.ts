/**
 * Errors that cross a public surface carry a stable `code` (the contract's error envelope). Every code is one
 * line of `errorCatalogue`: its HTTP status(es), what it means, and which API operations answer it. The error
 * classes take their type and status from here, and the OpenAPI document lists each operation's codes from
 * here, so the documented codes are the thrown ones. Adding a code is adding its line.
 */
export type ErrorType =
  | "invalid_request"
  | "authentication"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "internal";

export interface CatalogueEntry {
  /** The first is the default; a code some callers raise as malformed (400) and others as refused (422) has both. */
  readonly status: readonly [number, ...number[]];
  readonly description: string;
  /** API operations (OpenAPI operationIds) that answer it; "every" for all of them; "operator" for the CLI only. */
  readonly on: "every" | "operator" | readonly string[];
}

const intentReads = ["getPaymentIntent", "cancelPaymentIntent"];
const eventReads = ["getEvent", "listEventDeliveries", "redeliverEvent"];
const endpointWrites = ["createWebhookEndpoint", "updateWebhookEndpoint"];
const endpointReads = [
  "getWebhookEndpoint",
  "updateWebhookEndpoint",
  "deleteWebhookEndpoint",
  "rotateWebhookEndpointSecret",
  "testWebhookEndpoint",
  "recoverWebhookEndpoint",
];

export const errorCatalogue = {
  // 400: malformed requests, on every operation
  parameter_unknown: { status: [400], description: "An unknown parameter", on: "every" },
  parameter_missing: { status: [400], description: "A required parameter is missing", on: "every" },
  parameter_invalid: {
    status: [422, 400],
    description: "A parameter has an invalid value (400 when it fails the schema, 422 when it is refused)",
    on: "every",
  },
  invalid_json: { status: [400], description: "The request body is not valid JSON", on: "every" },
  invalid_request: { status: [400], description: "The request could not be read", on: "every" },
  body_too_large: { status: [413], description: "Request body over 64 KiB", on: "every" },
  unsupported_media_type: { status: [415], description: "Request body not JSON in UTF-8", on: "every" },
  // 401
  api_key_missing: { status: [401], description: "No API key was sent", on: "every" },
  api_key_invalid: { status: [401], description: "The API key is not valid", on: "every" },
  api_key_revoked: { status: [401], description: "The API key has been revoked", on: "every" },
  // 404
  resource_missing: {
    status: [404],
    description: "No such object (or it belongs to another merchant)",
    on: [...intentReads, ...eventReads, ...endpointReads],
  },
  // 409
  intent_not_cancelable: {
    status: [409],
    description: "Only awaiting_payment intents can be canceled",
    on: ["cancelPaymentIntent"],
  },
  idempotency_key_in_use: {
    status: [409],
    description: "A request with this Idempotency-Key is still in flight",
    on: ["createPaymentIntent"],
  },
  wallet_in_use: { status: [409], description: "The wallet already has derived addresses", on: "operator" },
  // 422: well-formed but not acceptable
  idempotency_key_reused: {
    status: [422],
    description: "This Idempotency-Key was used with another request body",
    on: ["createPaymentIntent"],
  },
  currency_not_supported: {
    status: [422],
    description: "Not a supported fiat currency",
    on: ["createPaymentIntent", "getQuote"],
  },
  invalid_amount: {
    status: [422],
    description: "The amount cannot be represented exactly in the asset's base units",
    on: ["createPaymentIntent", "getQuote"],
  },
  invalid_rate: { status: [422], description: "The exchange rate is not acceptable", on: "operator" },
  chain_not_supported: {
    status: [422],
    description: "The chain is not configured",
    on: ["createPaymentIntent", "getQuote"],
  },
  asset_not_supported: {
    status: [422],
    description: "The asset is not offered on that chain",
    on: ["createPaymentIntent", "getQuote"],
  },
  confirmations_too_low: {
    status: [422],
    description: "Confirmations may raise the chain's number, never lower it",
    on: ["createPaymentIntent"],
  },
  wallet_missing: {
    status: [422],
    description: "The merchant has no wallet for that chain",
    on: ["createPaymentIntent"],
  },
  invalid_event_type: { status: [422], description: "Not a known event type", on: endpointWrites },
  url_not_allowed: {
    status: [422],
    description: "The webhook URL leads somewhere deliveries may not go (http, private address)",
    on: [...endpointWrites, "testWebhookEndpoint", "redeliverEvent", "recoverWebhookEndpoint"],
  },
  no_webhook_endpoints: {
    status: [422],
    description: "There is no enabled endpoint to deliver to",
    on: ["redeliverEvent"],
  },
  recovery_window_too_long: {
    status: [422],
    description: "The recovery window is longer than allowed",
    on: ["recoverWebhookEndpoint"],
  },
  endpoint_limit_reached: {
    status: [422],
    description: "The merchant has as many webhook endpoints as allowed (MAX_WEBHOOK_ENDPOINTS)",
    on: ["createWebhookEndpoint"],
  },
  rates_provider_missing: {
    status: [422],
    description:
      "No rates provider is configured, so a fiat price cannot be quoted; price in the asset itself",
    on: ["createPaymentIntent", "getQuote"],
  },
  invalid_xpub: { status: [422], description: "Not an extended public key", on: "operator" },
  private_key_rejected: { status: [422], description: "A private key was given", on: "operator" },
  wallet_network_mismatch: { status: [422], description: "The key is for another network", on: "operator" },
  // 429, 5xx
  rate_limited: { status: [429], description: "Too many requests; see Retry-After", on: "every" },
  internal_error: { status: [500], description: "Internal error", on: "every" },
  rate_unavailable: {
    status: [503],
    description: "No exchange rate available right now",
    on: ["createPaymentIntent", "getQuote"],
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;
type StatusOf<C extends ErrorCode> = (typeof errorCatalogue)[C]["status"][number];

/** Codes answered with a given status (e.g. the invalid_request family, 400 and 422). */
type CodeWithStatus<S extends number> = {
  [C in ErrorCode]: Extract<StatusOf<C>, S> extends never ? never : C;
}[ErrorCode];

/** The envelope's `type`, which follows from the status (contract section 3). */
export function errorTypeOf(status: number): ErrorType {
  if (status === 401) return "authentication";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "internal";
  return "invalid_request";
}

export class PaygateError extends Error {
  readonly type: ErrorType;
  readonly code: ErrorCode;
  readonly status: number;
  readonly param: string | undefined;

  constructor(code: ErrorCode, message: string, options: { param?: string; status?: number } = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? errorCatalogue[code].status[0];
    this.type = errorTypeOf(this.status);
    this.param = options.param;
  }
}

/** Input that is well-formed but not acceptable (422), or malformed (400): the code's catalogue status. */
export class InvalidRequestError extends PaygateError {
  constructor(
    code: CodeWithStatus<400 | 413 | 415 | 422>,
    message: string,
    options: { param?: string; status?: 400 | 422 } = {},
  ) {
    super(code, message, options);
  }
}

export class NotFoundError extends PaygateError {
  constructor(what: string, id: string) {
    super("resource_missing", `No such ${what}: '${id}'`);
  }
}

export class ConflictError extends PaygateError {
  constructor(code: CodeWithStatus<409>, message: string) {
    super(code, message);
  }
}

export class IntentNotCancelableError extends ConflictError {
  constructor(id: string, status: string) {
    super(
      "intent_not_cancelable",
      `Payment intent ${id} is ${status}; only awaiting_payment intents can be canceled`,
    );
  }
}

/** A key string that is not an acceptable extended public key (malformed, private, or for the wrong network). */
export class InvalidExtendedKeyError extends InvalidRequestError {
  constructor(code: "invalid_xpub" | "private_key_rejected" | "wallet_network_mismatch", message: string) {
    super(code, message, { param: "xpub" });
  }
}

/** A decimal amount string that cannot be represented exactly in the asset's base units. */
export class InvalidAmountError extends InvalidRequestError {
  constructor(message: string, param = "amount") {
    super("invalid_amount", message, { param });
  }
}
