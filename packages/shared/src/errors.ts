/**
 * Errors that cross a public surface carry a stable `code` (the contract's error envelope) and the HTTP status
 * the API answers with. The HTTP layer maps them in one place; everything else just throws.
 */
export type ErrorType =
  | "invalid_request"
  | "authentication"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "internal";

export class PaygateError extends Error {
  readonly type: ErrorType;
  readonly code: string;
  readonly status: number;
  readonly param: string | undefined;

  constructor(options: { type: ErrorType; code: string; status: number; message: string; param?: string }) {
    super(options.message);
    this.name = new.target.name;
    this.type = options.type;
    this.code = options.code;
    this.status = options.status;
    this.param = options.param;
  }
}

/** Input that is well-formed but not acceptable (422), or malformed (400). */
export class InvalidRequestError extends PaygateError {
  constructor(code: string, message: string, options: { param?: string; status?: 400 | 422 } = {}) {
    super({ type: "invalid_request", code, message, status: options.status ?? 422, param: options.param });
  }
}

export class NotFoundError extends PaygateError {
  constructor(what: string, id: string) {
    super({ type: "not_found", code: "resource_missing", status: 404, message: `No such ${what}: '${id}'` });
  }
}

export class ConflictError extends PaygateError {
  constructor(code: string, message: string) {
    super({ type: "conflict", code, status: 409, message });
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
