import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { coinbaseRates } from "@paygate/api";
import { setWallet } from "@paygate/shared";
import { apiClient, createTestMerchant, decimalValue, startTestApi, type TestApi } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * S10: a USD price becomes price / rate in the asset, rounded up to the base unit; the quote is fixed for the
 * intent's life even when the rate moves. Rates come from a local server speaking Coinbase's spot format,
 * so the test can move the price.
 */
const prices: Record<string, string> = { "ETH-USD": "3000", "BTC-USD": "60000" };
let priceServer: Server;
let api: TestApi;
let request: ReturnType<typeof apiClient>;

/** ceil(amount * 10^decimals / rate), all exact: the expectation, computed without the gateway's code. */
function expectedDue(amount: string, rate: string, decimals: number): string {
  const scale = (value: string) => {
    const [whole, fraction = ""] = value.split(".");
    return { units: BigInt(`${whole}${fraction}`), places: fraction.length };
  };
  const price = scale(amount);
  const quote = scale(rate);
  const numerator = price.units * 10n ** BigInt(decimals + quote.places);
  const denominator = quote.units * 10n ** BigInt(price.places);
  const units = (numerator + denominator - 1n) / denominator;
  const text = units.toString().padStart(decimals + 1, "0");
  return decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

beforeAll(async () => {
  priceServer = createServer((req, res) => {
    const pair = /^\/v2\/prices\/([A-Z]+-[A-Z]+)\/spot$/.exec(req.url ?? "")?.[1];
    const amount = pair ? prices[pair] : undefined;
    if (!amount) return res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[]}');
    const [base, currency] = pair!.split("-");
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ data: { amount, base, currency } }));
  });
  await new Promise<void>((resolve) => priceServer.listen(0, "127.0.0.1", resolve));
  const rates = coinbaseRates({ baseUrl: `http://127.0.0.1:${(priceServer.address() as AddressInfo).port}` });
  api = await startTestApi({ rates });
  const merchant = await createTestMerchant(api.db);
  await setWallet(api.db, {
    merchantId: merchant.merchantId,
    family: "bitcoin",
    xpub: "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc",
  });
  request = apiClient(api.url, merchant.apiKey);
});

afterAll(async () => {
  await api?.close();
  await new Promise((resolve) => priceServer?.close(resolve));
});

describe("S10 quote in USD", () => {
  it("divides the price by the rate and rounds up to the base unit, then keeps the quote", async () => {
    const created = await request("POST", "/v1/payment-intents", {
      body: { amount: "49.00", currency: "USD", asset: "ETH", chain: "anvil" },
    });
    expect(created.status).toBe(201);
    expect(created.body.amount_due).toBe("0.016333333333333334");
    expect(created.body.amount_due).toBe(expectedDue("49.00", "3000", 18));
    expect(created.body.price).toEqual({ amount: "49.00", currency: "USD" });
    expect(created.body.quote).toMatchObject({
      rate: "3000",
      source: "coinbase",
      expires_at: created.body.expires_at,
    });

    prices["ETH-USD"] = "3012.45";
    const later = await request("GET", `/v1/payment-intents/${created.body.id}`);
    expect(later.body.amount_due).toBe(created.body.amount_due);
    expect(later.body.quote).toEqual(created.body.quote);

    const moved = await request("POST", "/v1/payment-intents", {
      body: { amount: "49.00", currency: "USD", asset: "ETH", chain: "anvil" },
    });
    expect(moved.body.quote.rate).toBe("3012.45");
    expect(decimalValue(moved.body.amount_due)).toBe(decimalValue(expectedDue("49.00", "3012.45", 18)));
    expect(moved.body.amount_due).not.toBe(created.body.amount_due);
  });

  it("rounds up to satoshis for Bitcoin", async () => {
    const created = await request("POST", "/v1/payment-intents", {
      body: { amount: "100", currency: "USD", asset: "BTC", chain: "bitcoin-regtest" },
    });
    expect(created.status).toBe(201);
    expect(decimalValue(created.body.amount_due)).toBe("0.00166667");
    expect(created.body.payment_uri).toBe(`bitcoin:${created.body.address}?amount=0.00166667`);
  });

  it("agrees with the indicative quote", async () => {
    const quote = await request("GET", "/v1/quotes?amount=25.5&currency=USD&asset=BTC&chain=bitcoin-regtest");
    expect(quote.status).toBe(200);
    expect(decimalValue(quote.body.amount)).toBe(decimalValue(expectedDue("25.5", "60000", 8)));
    expect(quote.body).toMatchObject({
      object: "quote",
      rate: "60000",
      source: "coinbase",
      price: { amount: "25.5", currency: "USD" },
    });
  });

  it("answers 503 rate_unavailable and writes nothing when no rate can be had", async () => {
    const before = await api.db.selectFrom("payment_intents").select("id").execute();
    const answer = await request("POST", "/v1/payment-intents", {
      body: { amount: "10", currency: "EUR", asset: "ETH", chain: "anvil" },
    });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe("rate_unavailable");
    expect(await api.db.selectFrom("payment_intents").select("id").execute()).toEqual(before);
  });
});
