/**
 * The offline signer's whole surface. Nothing here (or below) imports the database layer or opens a
 * connection: `paygate sweep sign` runs on a machine with neither.
 */
export { SweepError } from "../errors.ts";
export type { SweepBundle } from "../format/bundle-format.ts";
export { parsePlan } from "../format/parse.ts";
export type { SweepPlan } from "../format/plan-format.ts";
export { DEFAULT_SPONSOR_PATH, keyFileAccount, type MerchantKeys, merchantKeys } from "./keys.ts";
export { readSecretFile } from "./secret-file.ts";
export { type SignOptions, signBundle } from "./sign-bundle.ts";
