import { type Logger, pino } from "pino";

export type { Logger };

/**
 * Structured JSON logs. Secrets never reach them: credentials in headers and any field named like a secret
 * are censored here, once, for every service.
 */
export const redactedPaths = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "authorization",
  "apiKey",
  "*.apiKey",
  "secret",
  "*.secret",
  "secrets",
  "*.secrets",
  "password",
  "*.password",
];

export function createLogger(options: { level: string; name?: string; pretty?: boolean }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    redact: { paths: redactedPaths, censor: "[redacted]" },
    transport: options.pretty
      ? { target: "pino-pretty", options: { colorize: true, ignore: "pid,hostname" } }
      : undefined,
  });
}

/** RPC and node URLs may carry credentials (https://user:pass@host, or an API key in the path). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = "***";
      parsed.password = "";
    }
    const keyLike = /[A-Za-z0-9_-]{20,}/;
    parsed.pathname = parsed.pathname
      .split("/")
      .map((part) => (keyLike.test(part) ? "***" : part))
      .join("/");
    parsed.search = parsed.search ? "?***" : "";
    return parsed.toString();
  } catch {
    return "[unparseable url]";
  }
}
