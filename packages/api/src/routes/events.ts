import { getEvent, listEventDeliveries, listEvents, redeliverEvent } from "@paygate/shared";
import { defineRoute } from "../http/route.ts";
import { idParams, listOf, pageRequest } from "../schemas/common.ts";
import {
  deliveryAttemptSchema,
  eventListQuery,
  eventObjectSchema,
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
    params: idParams,
    success: { status: 200, description: "The event, as receivers get it", schema: eventObjectSchema },
    handle: ({ deps, merchantId, params }) => getEvent(deps.db, merchantId, params.id),
  }),
  defineRoute({
    method: "get",
    path: "/v1/events/{id}/deliveries",
    operationId: "listEventDeliveries",
    summary: "List every delivery attempt of an event",
    tag,
    params: idParams,
    success: {
      status: 200,
      description: "Attempts, newest first",
      schema: listOf(deliveryAttemptSchema, "DeliveryAttemptList"),
    },
    handle: ({ deps, merchantId, params }) => listEventDeliveries(deps.db, merchantId, params.id),
  }),
  defineRoute({
    method: "post",
    path: "/v1/events/{id}/redeliver",
    operationId: "redeliverEvent",
    summary: "Resend an event",
    description: "The same event id and body, with a fresh timestamp and signature.",
    tag,
    params: idParams,
    body: redeliverBody,
    success: { status: 202, description: "The deliveries queued", schema: redeliveryObjectSchema },
    handle: ({ deps, merchantId, params, body }) =>
      redeliverEvent(deps.db, merchantId, params.id, body.endpoint_id),
  }),
];
