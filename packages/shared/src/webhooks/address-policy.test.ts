import { describe, expect, test } from "vitest";
import { addressBlockReason, checkWebhookUrl, type ResolveHost } from "./address-policy.ts";

const dns: Record<string, string[]> = {
  "hooks.shop.example": ["93.184.216.34"],
  "internal.shop.example": ["10.0.0.7"],
  "mixed.shop.example": ["93.184.216.34", "192.168.0.10"],
  "v6.shop.example": ["2606:2800:220:1:248:1893:25c8:1946"],
  "compatible.shop.example": ["::8.8.8.8"],
};
const resolveHost: ResolveHost = async (hostname) => {
  const answers = dns[hostname];
  if (!answers) throw new Error("ENOTFOUND");
  return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};
const production = { env: "production" as const, allowedCidrs: [], resolveHost };

describe("checkWebhookUrl at registration", () => {
  test.each([
    "https://127.1/hook",
    "https://2130706433/hook",
    "https://0x7f.1/hook",
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://169.254.169.254/hook",
    "https://10.0.0.1/hook",
    "https://172.31.255.255/hook",
    "https://192.168.0.1/hook",
    "https://100.64.0.1/hook",
    "https://[fd00::1]/hook",
    "https://[fe80::1]/hook",
    "https://[::127.0.0.1]/hook",
    "https://[::7f00:1]/hook",
    "https://[::a9fe:a9fe]/hook",
    "https://[64:ff9b:1::a00:1]/hook",
    "https://[100::1]/hook",
    "https://[2001:db8::1]/hook",
    "https://[3fff::1]/hook",
    "https://[5f00::1]/hook",
    "https://[4000::1]/hook",
    "https://[ff02::1]/hook",
    "https://compatible.shop.example/hook",
    "https://hooks.shop.example:22/hook",
    "https://hooks.shop.example:6379/hook",
    "https://0.0.0.0/hook",
    "https://255.255.255.255/hook",
    "https://internal.shop.example/hook",
    "https://mixed.shop.example/hook",
    "http://hooks.shop.example/hook",
    "https://user:secret@hooks.shop.example/hook",
    "https://nowhere.shop.example/hook",
    "ftp://hooks.shop.example/hook",
    "not a url",
  ])("refuses %s with url_not_allowed", async (url) => {
    await expect(checkWebhookUrl(url, production)).rejects.toMatchObject({
      code: "url_not_allowed",
      param: "url",
      status: 422,
    });
  });

  test("explains why", async () => {
    await expect(checkWebhookUrl("https://0x7f.1/", production)).rejects.toThrow(
      "webhook URL refused: 127.0.0.1 is a loopback address, not a public one",
    );
    await expect(checkWebhookUrl("https://[::127.0.0.1]/", production)).rejects.toThrow(
      "webhook URL refused: ::7f00:1 is a ipv4Compatible address, not a public one",
    );
    await expect(checkWebhookUrl("https://hooks.shop.example:8080/", production)).rejects.toThrow(
      "webhook URL refused: port 8080 is not allowed for webhooks (allowed: 443, 8443)",
    );
    await expect(checkWebhookUrl("http://hooks.shop.example/", production)).rejects.toThrow("must use https");
  });

  test("a refusal never says what a name resolved to", async () => {
    for (const name of ["internal.shop.example", "mixed.shop.example", "compatible.shop.example"]) {
      const refusal = await checkWebhookUrl(`https://${name}/`, production).catch((error: Error) => error);
      expect((refusal as Error).message).toBe(
        `webhook URL refused: ${name} does not resolve to public addresses only`,
      );
    }
  });

  test("WEBHOOK_ALLOWED_PORTS replaces the default ports; development takes any port", async () => {
    const custom = { ...production, allowedPorts: [9443] };
    await expect(checkWebhookUrl("https://hooks.shop.example:9443/", custom)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl("https://hooks.shop.example/", custom)).rejects.toThrow("port 443");
    const development = { env: "development" as const, allowedCidrs: [] };
    await expect(checkWebhookUrl("https://localhost:6379/", development)).resolves.toBeInstanceOf(URL);
  });

  test.each([
    "https://hooks.shop.example/hook",
    "https://hooks.shop.example:8443/hook",
    "https://v6.shop.example/x?y=1",
    "https://93.184.216.34/hook",
  ])("accepts the public %s", async (url) => {
    expect((await checkWebhookUrl(url, production)).toString()).toBe(url);
  });

  test("WEBHOOK_ALLOWED_CIDRS admits a merchant's LAN", async () => {
    const lan = { ...production, allowedCidrs: ["10.0.0.0/8"] };
    await expect(checkWebhookUrl("https://internal.shop.example/hook", lan)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl("https://mixed.shop.example/hook", lan)).rejects.toMatchObject({
      code: "url_not_allowed",
    });
  });

  test("development accepts local http receivers", async () => {
    const development = { env: "development" as const, allowedCidrs: [] };
    await expect(checkWebhookUrl("http://127.0.0.1:4000/hook", development)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl("ftp://127.0.0.1/", development)).rejects.toMatchObject({
      code: "url_not_allowed",
    });
  });
});

describe("addressBlockReason", () => {
  test.each([
    ["8.8.8.8", null],
    ["2001:4860:4860::8888", null],
    ["::ffff:8.8.8.8", null],
    ["::ffff:10.0.0.1", "10.0.0.1 is a private address, not a public one"],
    ["64:ff9b::a00:1", "64:ff9b::a00:1 is a rfc6052 address, not a public one"],
    ["2002:a00:1::", "2002:a00:1:: is a 6to4 address, not a public one"],
    ["198.18.0.1", "198.18.0.1 is a reserved address, not a public one"],
    ["::127.0.0.1", "::7f00:1 is a ipv4Compatible address, not a public one"],
    ["::8.8.8.8", "::808:808 is a ipv4Compatible address, not a public one"],
    ["::ffff:8.8.8.8", null],
    ["::", ":: is a unspecified address, not a public one"],
    ["4000::1", "4000::1 is a nonGlobal address, not a public one"],
    ["5f00::1", "5f00::1 is a segmentRouting address, not a public one"],
    ["3fff:1::1", "3fff:1::1 is a reserved address, not a public one"],
  ])("%s -> %s", (address, reason) => {
    expect(addressBlockReason(address, [])).toBe(reason);
  });
});
