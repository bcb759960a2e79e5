import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { EVENT_BODY_SCHEMAS, type WebhookEventType } from "@paygate/shared";
import { type Stack, startStack, until } from "@paygate/testkit";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Every JSON example in the docs, marked `<!-- example: NAME -->` right before its fenced block, against the
 * real thing: the stack on Anvil makes each documented event and answer, and an example must have the same
 * keys at every depth, the same value types and the same stable values. The real bodies must also validate
 * against the OpenAPI document's `webhooks` schemas.
 * `DOCS_EXAMPLES_OUT=file.json` writes the real examples to a file, to paste from when the format changes.
 */
const root = new URL("../", import.meta.url);
const pages = ["README.md", ...readdirSync(new URL("docs/", root)).map((name) => `docs/${name}`)].filter(
  (page) => page.endsWith(".md"),
);

/** Values that are the same in every run: an example must show them as they are. */
const STABLE_KEYS = new Set([
  "object",
  "type",
  "status",
  "api_version",
  "chain",
  "asset",
  "currency",
  "late",
  "counted",
  "rbf",
  "required_confirmations",
]);

interface DocExample {
  page: string;
  name: string;
  json: unknown;
}

function docExamples(): DocExample[] {
  const examples: DocExample[] = [];
  for (const page of pages) {
    const text = readFileSync(new URL(page, root), "utf8");
    for (const match of text.matchAll(/<!-- example: ([\w.]+) -->\s*```json\n([\s\S]*?)```/g)) {
      examples.push({ page, name: match[1]!, json: JSON.parse(match[2]!) });
    }
  }
  return examples;
}

const kind = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/** Where `documented` and `real` differ in keys, types or stable values; empty when they agree. */
function shapeDifferences(documented: unknown, real: unknown, path = "$"): string[] {
  if (kind(documented) !== kind(real)) return [`${path}: documented ${kind(documented)}, real ${kind(real)}`];
  if (Array.isArray(documented) && Array.isArray(real)) {
    if ((documented.length === 0) !== (real.length === 0))
      return [`${path}: documented ${documented.length} items, real ${real.length}`];
    return documented.length === 0 ? [] : shapeDifferences(documented[0], real[0], `${path}[0]`);
  }
  if (kind(documented) !== "object") return [];
  const doc = documented as Record<string, unknown>;
  const actual = real as Record<string, unknown>;
  const differences: string[] = [];
  for (const key of new Set([...Object.keys(doc), ...Object.keys(actual)])) {
    const at = `${path}.${key}`;
    if (!(key in actual)) differences.push(`${at}: documented, but not in the real one`);
    else if (!(key in doc)) differences.push(`${at}: missing from the example`);
    else if (STABLE_KEYS.has(key) && kind(actual[key]) !== "object" && doc[key] !== actual[key])
      differences.push(`${at}: documented ${JSON.stringify(doc[key])}, real ${JSON.stringify(actual[key])}`);
    else differences.push(...shapeDifferences(doc[key], actual[key], at));
  }
  return differences;
}

let stack: Stack;
const real = new Map<string, unknown>();
/** Raw bodies as the receiver got them, by event id. */
const delivered = new Map<string, string>();

beforeAll(async () => {
  stack = await startStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function get(path: string) {
  const answer = await stack.request("GET", path);
  if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.text}`);
  return answer.body;
}

/** Waits for the receiver to accept an event of `type` for the intent, and records its body. */
async function receivedEvent(intentId: string | undefined, type: string) {
  const requests = await stack.receiver.waitFor((all) =>
    all.some((received) => {
      const event = JSON.parse(received.body);
      return event.type === type && (!intentId || event.data.payment_intent?.id === intentId);
    }),
  );
  const received = requests.find((request) => {
    const event = JSON.parse(request.body);
    return event.type === type && (!intentId || event.data.payment_intent?.id === intentId);
  })!;
  const event = JSON.parse(received.body);
  delivered.set(event.id, received.body);
  real.set(type, event);
  return event;
}

describe("the docs' JSON examples", () => {
  it("makes every documented event and answer on the real stack", async () => {
    // the README's tour: an intent priced in USD, paid in full
    const created = await stack.request("POST", "/v1/payment-intents", {
      body: { amount: "49.00", currency: "USD", asset: "ETH", chain: "anvil", order_id: "ord_1" },
      headers: { "Idempotency-Key": "ord_1" },
    });
    expect(created.status).toBe(201);
    real.set("payment_intent", created.body);
    // docs/api.md: a replay answers the first answer, marked by Idempotent-Replayed (a first answer is not)
    expect(created.headers.get("Idempotent-Replayed")).toBeNull();
    const replayed = await stack.request("POST", "/v1/payment-intents", {
      body: { amount: "49.00", currency: "USD", asset: "ETH", chain: "anvil", order_id: "ord_1" },
      headers: { "Idempotency-Key": "ord_1" },
    });
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replayed.text).toBe(created.text);
    const paid = created.body;
    await stack.pay(paid.address, paid.amount_due);
    await receivedEvent(paid.id, "payment.pending");
    await stack.mine(1);
    const confirmed = await receivedEvent(paid.id, "payment.confirmed");
    expect(confirmed.data.payment).toBeUndefined();

    const short = await stack.createIntent({ amount: "1", asset: "ETH" });
    await stack.pay(short.address, "0.4");
    await stack.mine(1);
    await stack.waitForStatus(short.id, "pending");
    await stack.setExpiry(short.id, 500);
    await receivedEvent(short.id, "payment.underpaid");

    const unpaid = await stack.createIntent({ amount: "1", asset: "ETH" });
    await stack.setExpiry(unpaid.id, 500);
    await receivedEvent(unpaid.id, "payment.expired");

    const canceled = await stack.createIntent({ amount: "1", asset: "ETH" });
    expect((await stack.request("POST", `/v1/payment-intents/${canceled.id}/cancel`)).status).toBe(200);
    await receivedEvent(canceled.id, "payment.canceled");

    const over = await stack.createIntent({ amount: "0.5", asset: "ETH" });
    await stack.pay(over.address, "0.6");
    await stack.mine(1);
    await receivedEvent(over.id, "payment.overpaid");

    const endpoints = await get("/v1/webhook-endpoints");
    const endpointId = endpoints.data[0].id;
    expect((await stack.request("POST", `/v1/webhook-endpoints/${endpointId}/test`)).status).toBe(202);
    await receivedEvent(undefined, "webhook.test");

    real.set("event", await get(`/v1/events/${confirmed.id}`));
    real.set("event_list", await get(`/v1/events?payment_intent=${paid.id}&limit=1`));
    real.set("delivery_attempt_list", await get(`/v1/events/${confirmed.id}/deliveries?limit=1`));
    const missing = await stack.request("GET", "/v1/payment-intents/pi_01JH8X4J9Q7ZQ3K5Z8V6T0M2AB");
    expect(missing.status).toBe(404);
    real.set("error", missing.body);

    if (process.env.DOCS_EXAMPLES_OUT) {
      writeFileSync(process.env.DOCS_EXAMPLES_OUT, JSON.stringify(Object.fromEntries(real), null, 2));
    }
  }, 120_000);

  it("shows each of them as it really is", () => {
    const examples = docExamples();
    const documented = new Set(examples.map((example) => example.name));
    for (const name of ["payment_intent", "payment.pending", "payment.confirmed", "event", "error"]) {
      expect(documented, `an example of ${name} in the docs`).toContain(name);
    }
    for (const example of examples) {
      expect(real.has(example.name), `${example.page}: no real "${example.name}" to check against`).toBe(
        true,
      );
      expect(
        shapeDifferences(example.json, real.get(example.name)),
        `${example.page}: ${example.name}`,
      ).toEqual([]);
    }
  });

  it("delivers bodies that the OpenAPI document's webhooks schemas accept", async () => {
    const document = await get("/openapi.json");
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: "paygate", components: document.components });
    for (const [type, event] of real) {
      if (!(type in EVENT_BODY_SCHEMAS)) continue;
      const ref = document.webhooks[type].post.requestBody.content["application/json"].schema.$ref as string;
      const validate = ajv.getSchema(`paygate${ref}`)!;
      expect(validate(event), `${type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(EVENT_BODY_SCHEMAS[type as WebhookEventType].safeParse(event).success).toBe(true);
    }
    // and a body of another type's shape is refused: payment.confirmed carries no payment
    const confirmed = real.get("payment.confirmed") as { data: Record<string, unknown> };
    const pending = real.get("payment.pending") as { data: { payment: unknown } };
    const validate = ajv.getSchema("paygate#/components/schemas/PaymentConfirmedEvent")!;
    expect(validate({ ...confirmed, data: { ...confirmed.data, payment: pending.data.payment } })).toBe(
      false,
    );
  });

  it("serves an event's body byte for byte as the receiver got it", async () => {
    expect(delivered.size).toBeGreaterThanOrEqual(7);
    for (const [id, body] of delivered) {
      expect((await get(`/v1/events/${id}`)).body).toBe(body);
    }
  });

  it("pages an event's delivery attempts with limit and starting_after", async () => {
    const confirmed = real.get("payment.confirmed") as { id: string };
    for (let resend = 0; resend < 2; resend++) {
      expect((await stack.request("POST", `/v1/events/${confirmed.id}/redeliver`)).status).toBe(202);
    }
    // an attempt is recorded once its answer is in
    await until(async () => (await get(`/v1/events/${confirmed.id}/deliveries`)).data.length === 3, {
      message: "three recorded attempts",
    });
    const seen: string[] = [];
    let cursor = "";
    for (let page = 0; page < 3; page++) {
      const answer = await get(`/v1/events/${confirmed.id}/deliveries?limit=1${cursor}`);
      expect(answer.data).toHaveLength(1);
      expect(answer.has_more).toBe(page < 2);
      seen.push(answer.data[0].id);
      cursor = `&starting_after=${answer.data[0].id}`;
    }
    const all = await get(`/v1/events/${confirmed.id}/deliveries?limit=100`);
    expect(all.data.map((attempt: { id: string }) => attempt.id)).toEqual(seen);
    expect(all.has_more).toBe(false);
  });
});
