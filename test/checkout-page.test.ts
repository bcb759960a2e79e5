import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Stack, startStack, until } from "@paygate/testkit";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The hosted checkout page in a real browser (Debian's headless Chromium): it loads under its strict CSP,
 * copies the amount, and follows the payment on Anvil from awaiting to pending (1 of 2) to confirmed without
 * a reload. Screenshots (desktop and phone) go to artifacts/checkout/ for people to look at.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const artifacts = fileURLToPath(new URL("../artifacts/checkout/", import.meta.url));

/** What a page reported about itself: console errors and warnings, CSP violations, navigations. */
interface Observed {
  page: Page;
  problems: string[];
  cspViolations: string[];
  navigations: number;
}

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  [stack, browser] = await Promise.all([
    startStack(),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
  ]);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await stack?.stop();
});

async function open(url: string, device: "desktop" | "phone"): Promise<Observed> {
  const context = await browser.newContext(
    device === "desktop"
      ? { viewport: { width: 1280, height: 900 } }
      : { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  );
  contexts.push(context);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.api.url });
  const page = await context.newPage();
  const observed: Observed = { page, problems: [], cspViolations: [], navigations: 0 };
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") observed.problems.push(message.text());
  });
  page.on("pageerror", (error) => observed.problems.push(`page error: ${error.message}`));
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) observed.navigations += 1;
  });
  // the page reports each blocked resource or script as a DOM event too; DevTools-injected code is exempt
  await page.exposeFunction("reportCspViolation", (text: string) => observed.cspViolations.push(text));
  await page.addInitScript(`document.addEventListener("securitypolicyviolation", (event) =>
    window.reportCspViolation(event.violatedDirective + " blocked " + (event.blockedURI || "inline") + " " + event.sample + " " + event.sourceFile + ":" + event.lineNumber));`);
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return observed;
}

// found by ARIA role, so the test also proves assistive technology finds them
const statusBanner = (page: Page) => page.getByRole("status");
const timer = (page: Page) => page.getByRole("timer");

describe("checkout page in Chromium", () => {
  it("follows a payment to confirmed without a reload, under its CSP", { timeout: 90_000 }, async () => {
    const intent = await stack.createIntent({
      amount: "0.5",
      asset: "ETH",
      order_id: "ord_1042",
      expires_in: 900,
    });
    const url = `${stack.api.url}/pay/${intent.id}`;
    const [desktop, phone] = await Promise.all([open(url, "desktop"), open(url, "phone")]);

    for (const { page } of [desktop, phone]) {
      await expect(statusBanner(page).textContent()).resolves.toContain("Awaiting payment");
      expect(await page.locator("#amount-value").textContent()).toBe("0.5");
      expect(await page.locator("#address-value").textContent()).toBe(intent.address);
      expect(
        await page.getByRole("img", { name: `QR code: pay 0.5 ETH to ${intent.address}` }).isVisible(),
      ).toBe(true);
      expect(await timer(page).textContent()).toMatch(/^1[45]:\d\d$/);
    }
    // the countdown runs in the browser, against the server's clock
    const firstTick = await timer(desktop.page).textContent();
    await until(async () => (await timer(desktop.page).textContent()) !== firstTick, {
      message: "the countdown to tick",
    });

    await desktop.page.getByRole("button", { name: "Copy amount" }).click();
    await desktop.page.locator("#copy-feedback").getByText("Amount copied to the clipboard.").waitFor();
    expect(await desktop.page.evaluate("navigator.clipboard.readText()")).toBe("0.5");

    await desktop.page.screenshot({ path: `${artifacts}desktop-awaiting.png`, fullPage: true });
    await phone.page.screenshot({ path: `${artifacts}phone-awaiting.png`, fullPage: true });

    const payment = await stack.pay(intent.address, "0.5");
    await stack.scannedTo(payment.blockNumber);
    for (const { page } of [desktop, phone]) {
      await statusBanner(page)
        .getByText("Payment received, confirming (1 of 2 confirmations)")
        .waitFor({ timeout: 15_000 });
      // nothing left to pay: the address and QR code are withdrawn
      expect(await page.locator("[data-region=instructions]").isHidden()).toBe(true);
    }
    await desktop.page.screenshot({ path: `${artifacts}desktop-pending.png`, fullPage: true });
    await phone.page.screenshot({ path: `${artifacts}phone-pending.png`, fullPage: true });

    await stack.mine(1);
    for (const { page } of [desktop, phone]) {
      await statusBanner(page).getByText("Payment confirmed").waitFor({ timeout: 15_000 });
      // the receipt names the transaction, so the payer can look it up
      expect(await page.locator("[data-region=summary]").textContent()).toContain(payment.hash);
    }
    await desktop.page.screenshot({ path: `${artifacts}desktop-confirmed.png`, fullPage: true });
    await phone.page.screenshot({ path: `${artifacts}phone-confirmed.png`, fullPage: true });

    for (const observed of [desktop, phone]) {
      expect(observed.navigations).toBe(1);
      expect(observed.cspViolations.join("\n")).toBe("");
      expect(observed.problems.join("\n")).toBe("");
    }
  });
  it("asks for the rest after a partial payment, through expiry, until a top-up confirms it", {
    timeout: 90_000,
  }, async () => {
    const intent = await stack.createIntent({ amount: "0.5", asset: "ETH", expires_in: 900 });
    const phone = await open(`${stack.api.url}/pay/${intent.id}`, "phone");
    const { page } = phone;
    const qrOf = () => page.locator(".qr .code").innerHTML();
    const fullAmountQr = await qrOf();

    await stack.pay(intent.address, "0.2");
    await statusBanner(page).getByText("Partial payment: 0.3 ETH still due").waitFor({ timeout: 15_000 });
    expect(await page.locator("#amount-value").textContent()).toBe("0.3");
    // the QR code and wallet link now ask for the rest, not the whole amount again
    expect(await page.locator("a.wallet").getAttribute("href")).toBe(
      `ethereum:${intent.address}@31337?value=300000000000000000`,
    );
    expect(await qrOf()).not.toBe(fullAmountQr);

    await stack.setExpiry(intent.id, -1000);
    await statusBanner(page).getByText("Underpaid: 0.3 ETH still due").waitFor({ timeout: 15_000 });
    expect(await page.locator("#amount-value").textContent()).toBe("0.3");
    await page.screenshot({ path: `${artifacts}phone-underpaid.png`, fullPage: true });

    await stack.pay(intent.address, "0.3");
    await stack.mine(1);
    await statusBanner(page).getByText("Payment confirmed").waitFor({ timeout: 15_000 });
    expect(await page.locator("[data-region=summary]").textContent()).toContain("Received0.5 ETH");

    expect(phone.navigations).toBe(1);
    expect(phone.cspViolations.join("\n")).toBe("");
    expect(phone.problems.join("\n")).toBe("");
  });

  it("still shows what to pay with JavaScript off, and refreshes itself", async () => {
    const intent = await stack.createIntent({ amount: "0.25", asset: "ETH" });
    const context = await browser.newContext({ javaScriptEnabled: false });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${stack.api.url}/pay/${intent.id}`);
    expect(await page.locator("#amount-value").textContent()).toBe("0.25");
    expect(await page.locator(".qr svg").isVisible()).toBe(true);
    expect(await page.locator("noscript").innerHTML()).toContain('http-equiv="refresh"');
  });
});
