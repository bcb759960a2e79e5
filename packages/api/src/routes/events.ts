import { getEvent, listEventDeliveries, listEvents, redeliverEvent } from "@paygate/shared";
import { defineRoute } from "../http/route.ts";
import { idParamsOf, listOf, pageRequest } from "../schemas/common.ts";
import {
  deliveryAttemptSchema,
  deliveryListQuery,
  eventListQuery,
  eventObjectSchema,
  eventWithBodySchema,
  redeliverBody,
  redeliveryObjectSchema,
} from "../schemas/webhooks.ts";

const tag = "Events";

export const eventRoutes = [
  defineRoute({
    method: "get",
    path: "/v1/events",
    operationId: "listEvents",
    summary: "List events",
    tag,
    query: eventListQuery,
    success: {
      status: 200,
      description: "Events, newest first",
      schema: listOf(eventObjectSchema, "EventList"),
    },
    handle: ({ deps, merchantId, query }) =>
      listEvents(
        deps.db,
        merchantId,
        { type: query.type, paymentIntent: query.payment_intent },
        pageRequest(query),
      ),
  }),
  defineRoute({
    method: "get",
    path: "/v1/events/{id}",
    operationId: "getEvent",
    summary: "Retrieve an event",
    tag,
    params: idParamsOf("evt"),
    description:
      "The event's fields plus `object`, and `body`: the exact bytes receivers got, to check a signature against.",
    success: { status: 200, description: "The event", schema: eventWithBodySchema },
    handle: ({ deps, merchantId, params }) => getEvent(deps.db, merchantId, params.id),
  }),
  defineRoute({
    method: "get",
    path: "/v1/events/{id}/deliveries",
    operationId: "listEventDeliveries",
    summary: "List every delivery attempt of an event",
    tag,
    params: idParamsOf("evt"),
    query: deliveryListQuery,
    success: {
      status: 200,
      description: "Attempts, newest first",
      schema: listOf(deliveryAttemptSchema, "DeliveryAttemptList"),
    },
    handle: ({ deps, merchantId, params, query }) =>
      listEventDeliveries(deps.db, merchantId, params.id, pageRequest(query)),
  }),
  defineRoute({
    method: "post",
    path: "/v1/events/{id}/redeliver",
    operationId: "redeliverEvent",
    summary: "Resend an event",
    description: "The same event id and body, with a fresh timestamp and signature.",
    tag,
    params: idParamsOf("evt"),
    body: redeliverBody,
    success: { status: 202, description: "The deliveries queued", schema: redeliveryObjectSchema },
    handle: ({ deps, merchantId, params, body }) =>
      redeliverEvent(deps.db, merchantId, params.id, body.endpoint_id),
  }),
];
