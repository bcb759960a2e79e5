import { parseJsonKeepingNumbers, toPositiveDecimal } from "./decimal.ts";
import { type Rate, type RateProvider, RateUnavailableError } from "./rate-provider.ts";

export interface HttpRatesOptions {
  baseUrl?: string;
  /** Whole request, connect to last byte. */
  timeoutMs?: number;
}

export const DEFAULT_RATE_TIMEOUT_MS = 5000;

/**
 * One public price API: where to ask for a pair and where the price sits in the answer. Everything else
 * (timeout, status check, lossless parsing, decimal check) is the same for every provider.
 */
export interface PriceSource {
  name: string;
  defaultBaseUrl: string;
  /** The request path for the pair, or null when this source cannot price the asset. */
  pathFor(asset: string, fiat: string): string | null;
  /** The price as found in the parsed answer (numbers arrive as their digit strings). */
  priceIn(answer: unknown, asset: string, fiat: string): unknown;
}

export function httpRates(source: PriceSource, options: HttpRatesOptions = {}): RateProvider {
  const baseUrl = (options.baseUrl ?? source.defaultBaseUrl).replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? DEFAULT_RATE_TIMEOUT_MS;
  return {
    name: source.name,
    async getRate(asset, fiat): Promise<Rate> {
      const path = source.pathFor(asset, fiat);
      if (path === null)
        throw new RateUnavailableError(asset, fiat, `${source.name} does not price ${asset}`);
      let text: string;
      try {
        const response = await fetch(`${baseUrl}${path}`, {
          headers: { accept: "application/json" },
          redirect: "error",
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
      } catch (error) {
        const reason =
          error instanceof Error && error.name === "TimeoutError" ? "timed out" : "request failed";
        throw new RateUnavailableError(asset, fiat, `${source.name} ${reason}`);
      }
      let answer: unknown;
      try {
        answer = parseJsonKeepingNumbers(text);
      } catch {
        throw new RateUnavailableError(asset, fiat, `${source.name} sent an unreadable answer`);
      }
      const rate = toPositiveDecimal(source.priceIn(answer, asset, fiat));
      if (rate === null)
        throw new RateUnavailableError(asset, fiat, `${source.name} has no price for the pair`);
      return { rate, source: source.name, quotedAt: new Date() };
    },
  };
}

/** Reads `answer.a.b.c` without trusting its shape. */
export function dig(answer: unknown, ...path: (string | number)[]): unknown {
  let value = answer;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}
