/**
 * Sweep errors carry a stable code like the gateway's, but this module is imported by the offline signer, which
 * must not load the database layer, so they do not extend `PaygateError`.
 */
export type SweepErrorCode =
  | "plan_invalid"
  | "bundle_invalid"
  | "xpub_mismatch"
  | "address_mismatch"
  | "sponsor_mismatch"
  | "chain_id_mismatch"
  | "secret_file_readable"
  | "mnemonic_invalid"
  | "key_invalid"
  | "sweeper_missing"
  | "deployment_proxy_missing"
  | "transaction_failed"
  | "nonce_taken";

export class SweepError extends Error {
  readonly code: SweepErrorCode;

  constructor(code: SweepErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}
