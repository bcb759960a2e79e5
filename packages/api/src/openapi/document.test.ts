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
  });
});
