import { type ApiRequest, apiClient, createTestMerchant, startTestApi, type TestApi } from "@paygate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let api: TestApi;
let merchant: ApiRequest;
let anonymous: ApiRequest;

const xssOrderId = `<script>alert("order")</script>'"&`;
const xssMetadata = "<img src=x onerror=alert('metadata')>";

beforeAll(async () => {
  api = await startTestApi();
  const { apiKey } = await createTestMerchant(api.db, { name: "Bob's <b>Bikes</b>" });
  merchant = apiClient(api.url, apiKey);
  anonymous = apiClient(api.url);
});

afterAll(() => api?.close());

async function createIntent(body: Record<string, unknown> = {}) {
  const answer = await merchant("POST", "/v1/payment-intents", {
    body: { amount: "0.25", currency: "ETH", asset: "ETH", chain: "anvil", ...body },
  });
  expect(answer.status).toBe(201);
  return answer.body;
}

/** Test shortcut past the watcher: the page renders whatever state the row holds. */
async function setState(
  id: string,
  state: { status: "pending" | "confirmed" | "underpaid" | "expired"; received?: bigint },
) {
  await api.db
    .updateTable("payment_intents")
    .set({
      status: state.status,
      amount_received: state.received ?? 0n,
      ...(state.status === "confirmed" ? { confirmed_at: new Date() } : {}),
    })
    .where("id", "=", id)
    .execute();
}

function nonceOf(csp: string | null): string {
  const match = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp ?? "");
  expect(match, `CSP: ${csp}`).not.toBeNull();
  return match![1]!;
}

describe("GET /pay/:id", () => {
  it("shows the exact amount, the address, the QR code and the countdown, without auth", async () => {
    const intent = await createIntent({ expires_in: 600 });
    const page = await anonymous("GET", `/pay/${intent.id}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html; charset=utf-8/);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.text).toContain(
      '<span class="amount" id="amount-value">0.25</span> <span class="unit">ETH</span>',
    );
    expect(page.text).toContain(`id="address-value">${intent.address}</span>`);
    expect(page.text).toMatch(
      /<div class="code" role="img" aria-label="QR code: [^"]+"><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/,
    );
    expect(page.text).toContain(`href="${intent.payment_uri}"`);
    expect(page.text).toContain("Anvil (local test network)");
    expect(page.text).toMatch(
      /Expires in <time role="timer" datetime="[^"]+" data-expires-at="[^"]+">(10:00|9:5\d)<\/time>/,
    );
    expect(page.text).toContain('role="status" aria-live="polite"');
    expect(page.text).toContain("Awaiting payment");
    expect(page.text).toContain('data-copy="amount-value"');
    expect(page.text).toContain('data-copy="address-value"');
  });

  it("sends a strict CSP whose fresh nonce is the one on the inline script and style", async () => {
    const intent = await createIntent();
    const first = await anonymous("GET", `/pay/${intent.id}`);
    const csp = first.headers.get("content-security-policy");
    const nonce = nonceOf(csp);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src 'nonce-${nonce}'`);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    const scripts = [...first.text.matchAll(/<script( [^>]*)?>/g)].map((match) => match[0]);
    expect(scripts).toEqual([`<script nonce="${nonce}">`]);
    expect([...first.text.matchAll(/<style( [^>]*)?>/g)].map((match) => match[0])).toEqual([
      `<style nonce="${nonce}">`,
    ]);
    // nothing to fetch from anywhere, and no inline handlers (the CSP would block them)
    expect(first.text).not.toMatch(/\s(src|href)="(https?:)?\/\//);
    expect(first.text).not.toMatch(/\son[a-z]+=/);
    const second = await anonymous("GET", `/pay/${intent.id}`);
    expect(nonceOf(second.headers.get("content-security-policy"))).not.toBe(nonce);
  });

  it("escapes merchant-supplied text and never renders metadata", async () => {
    const intent = await createIntent({ order_id: xssOrderId, metadata: { note: xssMetadata } });
    const page = await anonymous("GET", `/pay/${intent.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(
      'Order <span class="mono">&#60;script&#62;alert(&#34;order&#34;)&#60;/script&#62;&#39;&#34;&#38;</span>',
    );
    expect(page.text).toContain("<h1>Bob&#39;s &#60;b&#62;Bikes&#60;/b&#62;</h1>");
    expect(page.text).not.toContain("<script>alert");
    expect(page.text).not.toContain("<b>Bikes");
    expect(page.text).not.toContain("onerror");
    expect(page.text).not.toContain("metadata");
  });

  it("shows the price when a fiat currency was quoted", async () => {
    const intent = await createIntent({ amount: "49.00", currency: "USD" });
    const page = await anonymous("GET", `/pay/${intent.id}`);
    expect(page.text).toContain("Price <strong>49.00 USD</strong>");
  });

  it("asks for what is still due after a partial payment, and stops asking once paid", async () => {
    const intent = await createIntent({ expires_in: 600 });
    await setState(intent.id, { status: "pending", received: 100000000000000000n });
    const partial = await anonymous("GET", `/pay/${intent.id}`);
    expect(partial.text).toContain("Partial payment: 0.15 ETH still due");
    expect(partial.text).toContain("Still to send");
    expect(partial.text).toContain('id="amount-value">0.15</span>');
    expect(partial.text).toContain(`href="ethereum:${intent.address}@31337?value=150000000000000000"`);

    await setState(intent.id, { status: "pending", received: 250000000000000000n });
    const confirming = await anonymous("GET", `/pay/${intent.id}`);
    expect(confirming.text).toContain("Payment received, confirming (0 of 2 confirmations)");
    expect(confirming.text).toContain('<section data-region="instructions" aria-label="How to pay" hidden>');
    expect(confirming.text).not.toContain("<svg");

    expect(confirming.text).toContain('<section data-region="summary" aria-label="Payment summary">');
    expect(confirming.text).toContain("<dt>Received</dt><dd>0.25 ETH</dd>");

    await setState(intent.id, { status: "confirmed", received: 250000000000000000n });
    expect((await anonymous("GET", `/pay/${intent.id}`)).text).toContain("Payment confirmed");
  });

  it("tells an underpaid payer the amount still due, and warns off expired and canceled intents", async () => {
    const underpaid = await createIntent();
    await setState(underpaid.id, { status: "underpaid", received: 200000000000000000n });
    const page = await anonymous("GET", `/pay/${underpaid.id}`);
    expect(page.text).toContain("Underpaid: 0.05 ETH still due");
    expect(page.text).toContain("Received 0.2 ETH of 0.25 ETH.");
    expect(page.text).toContain('id="amount-value">0.05</span>');

    const expired = await createIntent();
    await setState(expired.id, { status: "expired" });
    const expiredPage = await anonymous("GET", `/pay/${expired.id}`);
    expect(expiredPage.text).toContain("Payment request expired");
    expect(expiredPage.text).not.toContain("<svg");

    const canceled = await createIntent();
    expect((await merchant("POST", `/v1/payment-intents/${canceled.id}/cancel`)).status).toBe(200);
    const canceledPage = await anonymous("GET", `/pay/${canceled.id}`);
    expect(canceledPage.text).toContain("Payment canceled");
    expect(canceledPage.text).not.toContain(canceled.payment_uri);
  });

  it("answers an unknown or malformed id with a 404 page under the same CSP", async () => {
    for (const id of ["pi_01JZ0000000000000000000000", "nope", "pi_<script>"]) {
      const page = await anonymous("GET", `/pay/${encodeURIComponent(id)}`);
      expect(page.status).toBe(404);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(page.text).toContain("Payment not found");
      expect(page.text).not.toContain("<script");
      nonceOf(page.headers.get("content-security-policy"));
    }
  });
});

describe("GET /pay/:id/regions", () => {
  it("answers the page's live regions alone, for its script to swap in", async () => {
    const intent = await createIntent({ order_id: xssOrderId });
    const regions = await anonymous("GET", `/pay/${intent.id}/regions`);
    expect(regions.status).toBe(200);
    expect(regions.headers.get("cache-control")).toBe("no-store");
    expect(regions.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(regions.text).toMatch(/^<div id="status" data-region="status"/);
    expect(regions.text).toContain('data-region="instructions"');
    expect(regions.text).toContain('data-region="summary"');
    expect(regions.text).toContain(`id="address-value">${intent.address}</span>`);
    expect(regions.text).not.toMatch(/<(html|style|script)\b/);
    expect(regions.text).not.toContain("order");
  });

  it("answers an unknown id in the API's error envelope", async () => {
    const answer = await anonymous("GET", "/pay/pi_01JZ0000000000000000000000/regions");
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ type: "not_found", code: "resource_missing" });
  });
});

describe("GET /pay/:id/status", () => {
  it("exposes public fields only, uncached", async () => {
    const intent = await createIntent({ order_id: xssOrderId, metadata: { note: xssMetadata } });
    const answer = await anonymous("GET", `/pay/${intent.id}/status`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(Object.keys(answer.body).sort()).toEqual(
      [
        "accepting_payment",
        "address",
        "amount_due",
        "amount_received",
        "amount_remaining",
        "asset",
        "chain",
        "confirmations",
        "confirmed_at",
        "expires_at",
        "final",
        "id",
        "late",
        "object",
        "overpaid_amount",
        "payment_uri",
        "required_confirmations",
        "server_time",
        "status",
      ].sort(),
    );
    expect(answer.body).toMatchObject({
      id: intent.id,
      object: "checkout_status",
      status: "awaiting_payment",
      amount_due: "0.250000000000000000",
      amount_received: "0.000000000000000000",
      amount_remaining: "0.250000000000000000",
      accepting_payment: true,
      payment_uri: intent.payment_uri,
      confirmations: 0,
      required_confirmations: 2,
    });
    expect(answer.text).not.toContain("onerror");
    expect(answer.text).not.toContain("order");
    expect(answer.text).not.toContain("mer_");
  });

  it("answers an unknown id in the API's error envelope", async () => {
    const answer = await anonymous("GET", "/pay/pi_01JZ0000000000000000000000/status");
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      error: {
        type: "not_found",
        code: "resource_missing",
        message: "No such payment_intent: 'pi_01JZ0000000000000000000000'",
      },
    });
  });

  it("leaves /v1 authenticated and its errors enveloped", async () => {
    const unauthenticated = await anonymous("GET", "/v1/payment-intents");
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.error.type).toBe("authentication");
    const missing = await anonymous("GET", "/pay/pi_01JZ0000000000000000000000/status/more");
    expect(missing.status).toBe(404);
    expect(missing.body.error.type).toBe("not_found");
  });
});
