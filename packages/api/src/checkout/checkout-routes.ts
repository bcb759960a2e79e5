import { NotFoundError } from "@paygate/shared";
import type { Router } from "express";
import type { ApiDeps } from "../deps.ts";
import type { IntentReadContext } from "../intents/read-intents.ts";
import { type CheckoutView, renderCheckoutPage, renderLiveRegions } from "./checkout-page.ts";
import { newNonce, setPageHeaders } from "./content-security-policy.ts";
import { findCheckout } from "./find-checkout.ts";
import { renderMessagePage } from "./message-page.ts";
import { paymentQrCache } from "./payment-qr.ts";
import { publicStatus } from "./public-status.ts";

/**
 * `GET /pay/:id` (the hosted checkout page), `GET /pay/:id/status` (its public JSON feed) and
 * `GET /pay/:id/regions` (the page's live parts, for its own script). Public and unauthenticated, outside
 * `/v1`: the intent id in the link is the only credential, as with Stripe's hosted pages. The status and
 * regions answer errors in the API's envelope; the page answers them as HTML a payer can read.
 */
export function mountCheckout(router: Router, deps: ApiDeps): void {
  const context: IntentReadContext = {
    db: deps.db,
    chains: deps.chains,
    publicUrl: deps.config.publicUrl,
  };
  const qrCodes = paymentQrCache();

  async function viewOf(id: string): Promise<CheckoutView | undefined> {
    const checkout = await findCheckout(context, id);
    if (!checkout) return undefined;
    const now = new Date();
    const status = publicStatus(checkout, now);
    const uri = status.payment_uri;
    const payment = uri === null ? undefined : { uri, qrSvg: await qrCodes.svgFor(id, uri) };
    return { checkout, status, payment, now };
  }

  router.get("/pay/:id/status", async (request, response) => {
    const checkout = await findCheckout(context, request.params.id);
    if (!checkout) throw new NotFoundError("payment_intent", request.params.id);
    response
      .set({ "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" })
      .json(publicStatus(checkout, new Date()));
  });

  router.get("/pay/:id/regions", async (request, response) => {
    const view = await viewOf(request.params.id);
    if (!view) throw new NotFoundError("payment_intent", request.params.id);
    // the page's headers; the fragment holds no script or style, so its nonce admits nothing
    setPageHeaders(response, newNonce());
    response.send(renderLiveRegions(view).text);
  });

  router.get("/pay/:id", async (request, response) => {
    const nonce = newNonce();
    setPageHeaders(response, nonce);
    try {
      const view = await viewOf(request.params.id);
      if (view) {
        response.send(renderCheckoutPage(view, nonce));
        return;
      }
      response.status(404).send(
        renderMessagePage({
          title: "Payment not found",
          headline: "Payment not found",
          detail:
            "This payment link is not valid. Check that you copied the whole link, or return to the shop to start again.",
          nonce,
        }),
      );
    } catch (error) {
      request.log.error({ err: error }, "checkout page failed");
      response.status(500).send(
        renderMessagePage({
          title: "Payment page unavailable",
          headline: "This page is temporarily unavailable",
          detail: "Payments already sent are not affected. Reload the page in a moment.",
          nonce,
        }),
      );
    }
  });
}
