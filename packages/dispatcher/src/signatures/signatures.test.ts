import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { describe, expect, test } from "vitest";
import { signatureHeader, signWebhook } from "./sign.ts";

const known = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

const oldSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const newSecret = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX";
const unicodeBody = JSON.stringify({
  id: "evt_1",
  data: { metadata: { customer: "Zoë 🚀 東京", note: "naïve café" } },
});

function headersFor(secrets: string[], id: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signatureHeader(secrets, id, timestamp, body),
  };
}

describe("signing", () => {
  test("reproduces the Standard Webhooks known answer", () => {
    expect(signWebhook(known.secret, known.id, known.timestamp, known.body)).toBe(known.signature);
  });

  test.each([
    ["ascii", '{"a":1}'],
    ["unicode", unicodeBody],
  ])("standardwebhooks and svix verify our %s signature", (_name, body) => {
    const headers = headersFor([known.secret], "evt_abc", body);
    expect(new StandardWebhook(known.secret).verify(body, headers)).toEqual(JSON.parse(body));
    // svix 2.x returns nothing and throws on a mismatch
    expect(() => new SvixWebhook(known.secret).verify(body, headers)).not.toThrow();
    expect(() => new SvixWebhook(known.secret).verify(`${body} `, headers)).toThrow();
  });

  test("during a rotation both keys sign, space-separated, and either secret verifies", () => {
    const headers = headersFor([newSecret, oldSecret], "evt_rot", unicodeBody);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const secret of [oldSecret, newSecret]) {
      expect(new StandardWebhook(secret).verify(unicodeBody, headers)).toEqual(JSON.parse(unicodeBody));
      expect(() => new SvixWebhook(secret).verify(unicodeBody, headers)).not.toThrow();
    }
  });
});

describe("what merchants verify with (the standardwebhooks library)", () => {
  test.each([
    ["a changed body", (h: Record<string, string>) => ({ body: '{"a":2}', headers: h, secret: newSecret })],
    ["another secret", (h: Record<string, string>) => ({ body: '{"a":1}', headers: h, secret: oldSecret })],
    [
      "another id",
      (h: Record<string, string>) => ({
        body: '{"a":1}',
        headers: { ...h, "webhook-id": "evt_other" },
        secret: newSecret,
      }),
    ],
  ])("refuses %s", (_name, variant) => {
    const { body, headers, secret } = variant(headersFor([newSecret], "evt_1", '{"a":1}'));
    expect(() => new StandardWebhook(secret).verify(body, headers)).toThrow();
  });

  test("refuses a stale timestamp", () => {
    const stale = headersFor([newSecret], "evt_1", "{}", Math.floor(Date.now() / 1000) - 3600);
    expect(() => new StandardWebhook(newSecret).verify("{}", stale)).toThrow(/timestamp/i);
  });
});
