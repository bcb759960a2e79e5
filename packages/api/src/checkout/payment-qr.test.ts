import { expect, it } from "vitest";
import { paymentQrCache, paymentQrSvg } from "./payment-qr.ts";

/** The real renderer, counting what it renders. */
function countingRenderer() {
  const rendered: string[] = [];
  return {
    rendered,
    render: (uri: string) => {
      rendered.push(uri);
      return paymentQrSvg(uri);
    },
  };
}

it("renders an intent's QR code once while its URI stays the same", async () => {
  const { rendered, render } = countingRenderer();
  const cache = paymentQrCache(10, render);
  const uri = "ethereum:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266@31337?value=1";
  const answers = await Promise.all(Array.from({ length: 20 }, () => cache.svgFor("pi_a", uri)));
  expect(answers[0]).toContain("<svg");
  expect(new Set(answers)).toEqual(new Set([await paymentQrSvg(uri)]));
  expect(rendered).toEqual([uri]);
  // a top-up changes the amount left to pay: the new URI is rendered, and replaces the old one
  const topUp = `${uri}0`;
  expect(await cache.svgFor("pi_a", topUp)).toBe(await paymentQrSvg(topUp));
  expect(rendered).toEqual([uri, topUp]);
  expect(cache.size).toBe(1);
});

it("holds at most its bound, dropping the least recently used intent first", async () => {
  const { rendered, render } = countingRenderer();
  const cache = paymentQrCache(2, render);
  await cache.svgFor("pi_a", "bitcoin:a");
  await cache.svgFor("pi_b", "bitcoin:b");
  await cache.svgFor("pi_a", "bitcoin:a"); // a is now the most recently used
  await cache.svgFor("pi_c", "bitcoin:c"); // b goes
  expect(cache.size).toBe(2);
  await cache.svgFor("pi_a", "bitcoin:a");
  await cache.svgFor("pi_c", "bitcoin:c");
  expect(rendered).toEqual(["bitcoin:a", "bitcoin:b", "bitcoin:c"]);
  await cache.svgFor("pi_b", "bitcoin:b");
  expect(rendered).toEqual(["bitcoin:a", "bitcoin:b", "bitcoin:c", "bitcoin:b"]);
});
