import { WEBHOOK_EVENT_TYPES } from "@paygate/shared";
import { type ApiRequest, apiClient, startTestApi, type TestApi } from "@paygate/testkit";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { v1Routes } from "../routes/index.ts";

/** Every endpoint of contract section 3, as `METHOD /path` in OpenAPI template form. */
const contractRoutes = [
  "post /v1/payment-intents",
  "get /v1/payment-intents",
  "get /v1/payment-intents/{id}",
  "post /v1/payment-intents/{id}/cancel",
  "get /v1/quotes",
  "get /v1/assets",
  "post /v1/webhook-endpoints",
  "get /v1/webhook-endpoints",
  "get /v1/webhook-endpoints/{id}",
  "patch /v1/webhook-endpoints/{id}",
  "delete /v1/webhook-endpoints/{id}",
  "post /v1/webhook-endpoints/{id}/rotate-secret",
  "post /v1/webhook-endpoints/{id}/test",
  "post /v1/webhook-endpoints/{id}/recover",
  "get /v1/events",
  "get /v1/events/{id}",
  "get /v1/events/{id}/deliveries",
  "post /v1/events/{id}/redeliver",
];

let api: TestApi;
let request: ApiRequest;

beforeAll(async () => {
  api = await startTestApi();
  request = apiClient(api.url);
});

afterAll(() => api?.close());

describe("/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const answer = await request("GET", "/openapi.json");
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe("3.1.0");
    const result = await new Validator().validate(answer.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("lists exactly the contract's routes, each mounted", async () => {
    const document = (await request("GET", "/openapi.json")).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const listed = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(listed.sort()).toEqual([...contractRoutes].sort());
    expect(v1Routes.map((route) => `${route.method} ${route.path}`).sort()).toEqual(
      [...contractRoutes].sort(),
    );
  });

  it("documents request schemas, strictness and the error envelope", async () => {
    const document = (await request("GET", "/openapi.json")).body;
    const create = document.paths["/v1/payment-intents"].post;
    expect(create.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/CreatePaymentIntent",
    });
    const body = document.components.schemas.CreatePaymentIntent;
    expect(body.additionalProperties).toBe(false);
    expect(body.required.sort()).toEqual(["amount", "asset", "chain", "currency"]);
    expect(create.responses["201"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/PaymentIntent",
    });
    expect(create.responses["422"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Error",
    });
    expect(create.parameters).toContainEqual(
      expect.objectContaining({ name: "Idempotency-Key", in: "header" }),
    );
    const list = document.paths["/v1/payment-intents"].get;
    expect(list.parameters.map((parameter: { name: string }) => parameter.name).sort()).toEqual(
      ["limit", "order_id", "starting_after", "status"].sort(),
    );
  });
});

describe("the webhooks section", () => {
  it("describes every event type's body, with `payment` only on events a payment causes", async () => {
    const document = (await request("GET", "/openapi.json")).body;
    expect(Object.keys(document.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    const dataOf = (type: string) => {
      const ref = document.webhooks[type].post.requestBody.content["application/json"].schema.$ref as string;
      return document.components.schemas[ref.split("/").at(-1)!].properties.data;
    };
    for (const type of ["payment.pending", "payment.reverted"]) {
      expect(dataOf(type).required.sort()).toEqual(["payment", "payment_intent", "sequence"]);
    }
    for (const type of ["payment.confirmed", "payment.underpaid", "payment.expired", "payment.canceled"]) {
      expect(dataOf(type).required.sort()).toEqual(["payment_intent", "sequence"]);
      expect(dataOf(type).properties.payment).toBeUndefined();
      expect(dataOf(type).additionalProperties).toBe(false);
    }
    const headers = document.webhooks["payment.confirmed"].post.parameters.map(
      (p: { name: string }) => p.name,
    );
    expect(headers.sort()).toEqual(["webhook-id", "webhook-signature", "webhook-timestamp"]);
  });

  it("gives ids examples with their own prefix", async () => {
    const document = (await request("GET", "/openapi.json")).body;
    const { schemas } = document.components;
    expect(schemas.PaymentIntent.properties.id.example).toMatch(/^pi_/);
    expect(schemas.Event.properties.id.example).toMatch(/^evt_/);
    expect(schemas.WebhookEndpoint.properties.id.example).toMatch(/^we_/);
    expect(schemas.DeliveryAttempt.properties.delivery.example).toMatch(/^dlv_/);
    const eventPath = document.paths["/v1/events/{id}"].get.parameters[0];
    expect(eventPath.schema.example).toMatch(/^evt_/);
  });
});

describe("/docs", () => {
  it("renders a self-contained reference of every route", async () => {
    const answer = await request("GET", "/docs");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toContain("text/html");
    // nothing loaded from elsewhere: works offline
    expect(answer.text).not.toMatch(/<script|<link|src=|href="https?:/);
    for (const route of contractRoutes) {
      const [method, path] = route.split(" ");
      expect(answer.text).toContain(
        `<span class="method ${method}">${method!.toUpperCase()}</span> <code>${path}</code>`,
      );
    }
    for (const type of WEBHOOK_EVENT_TYPES) {
      expect(answer.text).toContain(`<span class="method post">POST</span> <code>${type}</code>`);
    }
  });
});
