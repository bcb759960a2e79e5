import { readFileSync } from "node:fs";
import { signWebhook } from "@paygate/dispatcher";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

/** The verification test vector merchants get in docs/webhooks.md, against the signing code and the library. */
const page = readFileSync(new URL("../docs/webhooks.md", import.meta.url), "utf8");
const block = /<!-- test-vector -->\s*```json\n([\s\S]*?)```/.exec(page)?.[1];

describe("the webhook test vector in docs/webhooks.md", () => {
  const vector = JSON.parse(block ?? "null") as {
    secret: string;
    id: string;
    timestamp: number;
    body: string;
    signature: string;
  };

  it("is what paygate's signing code computes", () => {
    expect(vector.secret).toMatch(/^whsec_/);
    expect(signWebhook(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
  });

  it("is what the standardwebhooks library computes and accepts at its own time", () => {
    const library = new Webhook(vector.secret);
    expect(library.sign(vector.id, new Date(vector.timestamp * 1000), vector.body)).toBe(vector.signature);
    // a verifier must refuse the same vector with one byte of the body changed
    const headers = {
      "webhook-id": vector.id,
      "webhook-timestamp": String(vector.timestamp),
      "webhook-signature": vector.signature,
    };
    expect(() => library.verify(`${vector.body} `, headers)).toThrow();
    expect(JSON.parse(vector.body)).toMatchObject({ id: vector.id, type: "webhook.test" });
  });
});
