import { request } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "./ports.ts";
import { type Receiver, startReceiver } from "./receiver.ts";

describe("startReceiver", () => {
  let receiver: Receiver;
  afterEach(() => receiver?.close());

  it("records the request byte for byte and answers 200 by default", async () => {
    receiver = await startReceiver();
    const body = '{"b":1,  "a":"é😀"}\n';
    const res = await fetch(`${receiver.url}/hooks/x?y=1`, {
      method: "POST",
      headers: { "content-type": "application/json", "webhook-id": "msg_1" },
      body,
    });
    expect(res.status).toBe(200);
    expect(receiver.requests).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/hooks/x?y=1",
        body,
        status: 200,
        headers: expect.objectContaining({ "content-type": "application/json", "webhook-id": "msg_1" }),
      }),
    ]);
    expect(receiver.requests[0]!.receivedAt).toBeLessThanOrEqual(Date.now());
  });

  it("answers as the responder says, counting requests from 1", async () => {
    receiver = await startReceiver({
      respond: (_req, n) => (n < 3 ? { status: 500, body: `fail ${n}` } : { status: 204 }),
    });
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(receiver.url, { method: "POST", body: String(i) });
      answers.push([res.status, await res.text()]);
    }
    expect(answers).toEqual([
      [500, "fail 1"],
      [500, "fail 2"],
      [204, ""],
    ]);
    expect(receiver.requests.map((r) => [r.body, r.status])).toEqual([
      ["0", 500],
      ["1", 500],
      ["2", 204],
    ]);
  });

  it("switches responders and sends their headers", async () => {
    receiver = await startReceiver();
    receiver.setResponder(() => ({ status: 410, headers: { "x-reason": "gone" } }));
    const res = await fetch(receiver.url, { method: "POST" });
    expect(res.status).toBe(410);
    expect(res.headers.get("x-reason")).toBe("gone");
  });

  it("waits for requests that arrive later", async () => {
    receiver = await startReceiver();
    const waiting = receiver.waitFor((reqs) => reqs.length === 2);
    await fetch(receiver.url, { method: "POST", body: "a" });
    await fetch(receiver.url, { method: "POST", body: "b" });
    expect((await waiting).map((r) => r.body)).toEqual(["a", "b"]);
  });

  it("names what it saw when a wait times out", async () => {
    receiver = await startReceiver();
    await fetch(`${receiver.url}/one`, { method: "POST" });
    await expect(receiver.waitFor((reqs) => reqs.length > 1, 50)).rejects.toThrow(/POST \/one -> 200/);
  });

  it("plays a slow endpoint that a sender's timeout gives up on", async () => {
    receiver = await startReceiver({ respond: () => ({ status: 200, delayMs: 60_000 }) });
    await expect(fetch(receiver.url, { method: "POST", signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(receiver.requests).toHaveLength(1);
  });

  it("closes promptly while an answer is still held back", async () => {
    receiver = await startReceiver({ respond: () => ({ status: 200, delayMs: 60_000 }) });
    const pending = new Promise<Error>((resolve) => {
      request(receiver.url, { method: "POST" }, () => resolve(new Error("answered")))
        .on("error", resolve)
        .end("x");
    });
    await receiver.waitFor((reqs) => reqs.length === 1);
    await receiver.close();
    expect((await pending).message).toMatch(/socket hang up/);
  });

  it("verifies signatures with the secret it is given, as a merchant's server would", async () => {
    const secret = `whsec_${Buffer.from("a secret of 24 bytes....").toString("base64")}`;
    receiver = await startReceiver({ secret });
    const body = '{"id":"evt_1"}';
    const signed = new Webhook(secret).sign("evt_1", new Date(), body);
    const headers = { "webhook-id": "evt_1", "webhook-timestamp": String(Math.floor(Date.now() / 1000)) };
    await fetch(receiver.url, { method: "POST", headers: { ...headers, "webhook-signature": signed }, body });
    await fetch(receiver.url, {
      method: "POST",
      headers: { ...headers, "webhook-signature": "v1,AAAA" },
      body,
    });
    receiver.setSecret(undefined);
    await fetch(receiver.url, { method: "POST", headers: { ...headers, "webhook-signature": signed }, body });
    expect(receiver.requests.map((r) => r.verified)).toEqual([true, false, false]);
  });

  it("records a request on arrival while its answer is held open, and listens on a given port", async () => {
    const port = await freePort();
    let release: (() => void) | undefined;
    receiver = await startReceiver({
      port,
      respond: () => new Promise((resolve) => (release = () => resolve({ status: 202 }))),
    });
    expect(receiver.url).toBe(`http://127.0.0.1:${port}`);
    const answered = fetch(receiver.url, { method: "POST", body: "held" });
    await receiver.waitFor((reqs) => reqs.length === 1);
    expect(receiver.requests.map((r) => [r.body, r.status])).toEqual([["held", 0]]);
    release!();
    expect((await answered).status).toBe(202);
    expect(receiver.requests[0]!.status).toBe(202);
  });
});
