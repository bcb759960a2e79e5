import { reconcileIntent } from "@paygate/shared";
import { defineRoute } from "../http/route.ts";
import { createIntent } from "../intents/create-intent.ts";
import { getIntent, listIntents } from "../intents/read-intents.ts";
import { idParamsOf, listOf, pageRequest } from "../schemas/common.ts";
import { createIntentBody, intentObjectSchema, listIntentsQuery } from "../schemas/intents.ts";

const tag = "Payment intents";

export const paymentIntentRoutes = [
  defineRoute({
    method: "post",
    path: "/v1/payment-intents",
    operationId: "createPaymentIntent",
    summary: "Create a payment intent",
    description:
      "Assigns a fresh deposit address and fixes the amount due from a quote. Send `Idempotency-Key` to retry safely: the same key and body replay the first answer.",
    tag,
    body: createIntentBody,
    idempotent: true,
    success: { status: 201, description: "The new intent", schema: intentObjectSchema },
    handle: ({ deps, merchantId, body }) =>
      createIntent(
        { db: deps.db, chains: deps.chains, rates: deps.rates, publicUrl: deps.config.publicUrl },
        merchantId,
        body,
      ),
  }),
  defineRoute({
    method: "get",
    path: "/v1/payment-intents",
    operationId: "listPaymentIntents",
    summary: "List payment intents",
    tag,
    query: listIntentsQuery,
    success: {
      status: 200,
      description: "Intents, newest first",
      schema: listOf(intentObjectSchema, "PaymentIntentList"),
    },
    handle: ({ deps, merchantId, query }) =>
      listIntents(
        { db: deps.db, chains: deps.chains, publicUrl: deps.config.publicUrl },
        merchantId,
        { status: query.status, orderId: query.order_id },
        pageRequest(query),
      ),
  }),
  defineRoute({
    method: "get",
    path: "/v1/payment-intents/{id}",
    operationId: "getPaymentIntent",
    summary: "Retrieve a payment intent",
    tag,
    params: idParamsOf("pi"),
    success: { status: 200, description: "The intent", schema: intentObjectSchema },
    handle: ({ deps, merchantId, params }) =>
      getIntent(
        { db: deps.db, chains: deps.chains, publicUrl: deps.config.publicUrl },
        merchantId,
        params.id,
      ),
  }),
  defineRoute({
    method: "post",
    path: "/v1/payment-intents/{id}/cancel",
    operationId: "cancelPaymentIntent",
    summary: "Cancel a payment intent",
    description:
      "Only an intent still `awaiting_payment` can be canceled; otherwise 409 `intent_not_cancelable`.",
    tag,
    params: idParamsOf("pi"),
    success: { status: 200, description: "The canceled intent", schema: intentObjectSchema },
    async handle({ deps, merchantId, params }) {
      // ownership first: another merchant's intent is "no such intent", exactly like a missing one
      await getIntent(
        { db: deps.db, chains: deps.chains, publicUrl: deps.config.publicUrl },
        merchantId,
        params.id,
      );
      const result = await reconcileIntent(
        deps.db,
        { chains: deps.chains, publicUrl: deps.config.publicUrl },
        { intentId: params.id, cancel: true, cause: "api: cancel" },
      );
      return result.intent;
    },
  }),
];
