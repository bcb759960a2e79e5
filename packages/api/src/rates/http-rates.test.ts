import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cachedRates } from "./cached-rates.ts";
import { coinbaseRates } from "./coinbase.ts";
import { coingeckoRates } from "./coingecko.ts";
import { krakenRates } from "./kraken.ts";
import { RateUnavailableError } from "./rate-provider.ts";

/**
 * A local stand-in for the three price APIs, answering in each one's real response format (bodies as the
 * providers document them, including their error shapes).
 */
let server: Server;
let baseUrl: string;
const requests: string[] = [];
const hanging: ServerResponse[] = [];

function answer(response: ServerResponse, status: number, body: string) {
  response.writeHead(status, { "content-type": "application/json" }).end(body);
}

function route(request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url!, "http://localhost");
  requests.push(url.pathname + url.search);
  if (url.pathname === "/slow/api/v3/simple/price") {
    hanging.push(response); // never answers: the client's timeout must fire
    return;
  }
  if (url.pathname === "/api/v3/simple/price") {
    const id = url.searchParams.get("ids");
    const fiat = url.searchParams.get("vs_currencies");
    if (id === "ethereum" && fiat === "usd")
      return answer(response, 200, '{"ethereum":{"usd":3012.4512345678901234}}');
    if (id === "bitcoin" && fiat === "eur") return answer(response, 200, '{"bitcoin":{"eur":5.5e4}}');
    if (id === "tether")
      return answer(response, 429, '{"status":{"error_code":429,"error_message":"rate limited"}}');
    return answer(response, 200, "{}");
  }
  if (url.pathname === "/0/public/Ticker") {
    if (url.searchParams.get("pair") === "XBTUSD") {
      return answer(
        response,
        200,
        '{"error":[],"result":{"XXBTZUSD":{"a":["60010.00000","1","1.000"],"b":["60000.00000","2","2.000"],"c":["60005.10000","0.00100000"],"v":["100.1","2000.2"],"p":["60001.1","59000.2"],"t":[1000,20000],"l":["59000.0","58000.0"],"h":["61000.0","62000.0"],"o":"59500.00000"}}}',
      );
    }
    return answer(response, 200, '{"error":["EQuery:Unknown asset pair"]}');
  }
  const spot = /^\/v2\/prices\/([A-Z]+)-([A-Z]+)\/spot$/.exec(url.pathname);
  if (spot) {
    if (spot[1] === "ETH" && spot[2] === "USD") {
      return answer(response, 200, '{"data":{"amount":"3010.555","base":"ETH","currency":"USD"}}');
    }
    return answer(response, 404, '{"errors":[{"id":"not_found","message":"Invalid currency"}]}');
  }
  if (url.pathname === "/garbage/api/v3/simple/price") return answer(response, 200, "<html>oops</html>");
  answer(response, 404, "{}");
}

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const response of hanging) response.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe("coingecko", () => {
  it("reads the simple price answer without float rounding", async () => {
    const rate = await coingeckoRates({ baseUrl: `${baseUrl}/api/v3` }).getRate("ETH", "USD");
    expect(rate).toMatchObject({ rate: "3012.4512345678901234", source: "coingecko" });
    expect(requests).toContain("/api/v3/simple/price?ids=ethereum&vs_currencies=usd&precision=full");
  });

  it("turns exponent notation into a plain decimal", async () => {
    const rate = await coingeckoRates({ baseUrl: `${baseUrl}/api/v3` }).getRate("BTC", "EUR");
    expect(rate.rate).toBe("55000");
  });

  it.each([
    ["an empty answer (pair not quoted)", "ETH", "JPY", `${baseUrl}/api/v3`],
    ["an HTTP error", "USDT", "USD", `${baseUrl}/api/v3`],
    ["a coin it has no id for", "DOGE", "USD", `${baseUrl}/api/v3`],
    ["an answer that is not JSON", "ETH", "USD", `${baseUrl}/garbage/api/v3`],
    ["an unreachable host", "ETH", "USD", "http://127.0.0.1:1"],
  ])("is unavailable on %s", async (_case, asset, fiat, url) => {
    await expect(coingeckoRates({ baseUrl: url }).getRate(asset, fiat)).rejects.toBeInstanceOf(
      RateUnavailableError,
    );
  });

  it("gives up after its timeout", async () => {
    const started = Date.now();
    const error = await coingeckoRates({ baseUrl: `${baseUrl}/slow/api/v3`, timeoutMs: 200 })
      .getRate("ETH", "USD")
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateUnavailableError);
    expect((error as Error).message).toContain("timed out");
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("kraken", () => {
  it("reads the last trade price from the ticker, calling bitcoin XBT", async () => {
    const rate = await krakenRates({ baseUrl }).getRate("BTC", "USD");
    expect(rate).toMatchObject({ rate: "60005.1", source: "kraken" });
  });

  it("is unavailable when Kraken answers with an error list", async () => {
    await expect(krakenRates({ baseUrl }).getRate("POL", "USD")).rejects.toBeInstanceOf(RateUnavailableError);
  });
});

describe("coinbase", () => {
  it("reads the spot price", async () => {
    const rate = await coinbaseRates({ baseUrl }).getRate("ETH", "USD");
    expect(rate).toMatchObject({ rate: "3010.555", source: "coinbase" });
  });

  it("is unavailable on a 404", async () => {
    await expect(coinbaseRates({ baseUrl }).getRate("ETH", "XYZ")).rejects.toBeInstanceOf(
      RateUnavailableError,
    );
  });
});

describe("cachedRates", () => {
  it("asks the provider once per pair within the cache time and shares concurrent lookups", async () => {
    const before = requests.length;
    const provider = cachedRates(coinbaseRates({ baseUrl }), 60_000);
    const rates = await Promise.all([provider.getRate("ETH", "USD"), provider.getRate("ETH", "USD")]);
    await provider.getRate("ETH", "USD");
    expect(rates.map((rate) => rate.rate)).toEqual(["3010.555", "3010.555"]);
    expect(requests.length - before).toBe(1);
  });

  it("does not keep failures", async () => {
    const before = requests.length;
    const provider = cachedRates(coinbaseRates({ baseUrl }), 60_000);
    await expect(provider.getRate("ETH", "XYZ")).rejects.toBeInstanceOf(RateUnavailableError);
    await expect(provider.getRate("ETH", "XYZ")).rejects.toBeInstanceOf(RateUnavailableError);
    expect(requests.length - before).toBe(2);
  });
});
