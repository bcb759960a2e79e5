export * from "./uncounted-payments.ts";
