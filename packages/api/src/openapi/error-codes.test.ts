import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ErrorCode,
  errorCatalogue,
  InvalidRequestError,
  NotFoundError,
  PaygateError,
} from "@paygate/shared";
import { describe, expect, it } from "vitest";
import { v1Routes } from "../routes/index.ts";
import { openApiDocument } from "./document.ts";

/**
 * The documented error codes are the thrown ones: every code a runtime source file raises is in the catalogue,
 * and every code an API operation can answer is listed in the OpenAPI document under that operation.
 */
const packages = fileURLToPath(new URL("../../..", import.meta.url));

function runtimeSources(): { path: string; text: string }[] {
  return readdirSync(packages).flatMap((name) => {
    const src = join(packages, name, "src");
    let files: string[];
    try {
      files = readdirSync(src, { recursive: true, encoding: "utf8" });
    } catch {
      return [];
    }
    return files
      .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !/(^|\/)testing\//.test(file))
      .map((file) => ({ path: join(name, "src", file), text: readFileSync(join(src, file), "utf8") }));
  });
}

/** Codes given as a literal first argument to a code-taking error class, or to `super` inside one. */
function thrownCodes(): Map<string, string> {
  const found = new Map<string, string>();
  const codeTaking =
    /new (?:PaygateError|InvalidRequestError|ConflictError|AuthenticationError)\(\s*"([a-z_]+)"/g;
  for (const { path, text } of runtimeSources()) {
    for (const match of text.matchAll(codeTaking)) found.set(match[1]!, path);
    // `super("...")` in a class of the PaygateError family, except NotFoundError's (its argument is a noun)
    for (const block of text.split(/(?=^export class )/m)) {
      const parent = /^export class \w+ extends (\w+)/.exec(block)?.[1];
      if (!parent || parent === "NotFoundError" || parent === "Error") continue;
      for (const match of block.matchAll(/super\(\s*"([a-z_]+)"/g)) found.set(match[1]!, path);
    }
  }
  return found;
}

type Document = {
  paths: Record<
    string,
    Record<string, { operationId: string; responses: Record<string, { description: string }> }>
  >;
};
const document = openApiDocument(v1Routes, "http://localhost:3000") as unknown as Document;
const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
const documented = (operation: (typeof operations)[number]) =>
  new Map(
    Object.entries(operation.responses).flatMap(([status, response]) =>
      [...response.description.matchAll(/`([a-z_]+)`/g)].map((match) => [match[1]!, Number(status)] as const),
    ),
  );

describe("the error catalogue", () => {
  const thrown = thrownCodes();

  it("finds the codes the sources throw (the scan works)", () => {
    for (const code of ["parameter_invalid", "api_key_revoked", "idempotency_key_in_use", "rate_limited"])
      expect(thrown.has(code), code).toBe(true);
  });

  it("holds every code thrown in the runtime sources", () => {
    const missing = [...thrown].filter(([code]) => !(code in errorCatalogue));
    expect(missing).toEqual([]);
  });

  it("lists every code an operation can answer in that operation's OpenAPI responses, under its status", () => {
    const operationIds = operations.map((operation) => operation.operationId);
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      if (entry.on === "operator") continue;
      const answering =
        entry.on === "every" ? operationIds : (entry.on as readonly string[]).map((id) => id as string);
      for (const operationId of answering) {
        // a named operation that does not exist is a typo in the catalogue
        expect(operationIds, `${code} on ${operationId}`).toContain(operationId);
        const operation = operations.find((candidate) => candidate.operationId === operationId)!;
        expect(documented(operation).has(code), `${code} on ${operationId}`).toBe(true);
        for (const status of entry.status) {
          expect(operation.responses[String(status)]?.description, `${code} ${status}`).toContain(
            `\`${code}\``,
          );
        }
      }
    }
    for (const [code, path] of thrown) {
      const entry = errorCatalogue[code as ErrorCode];
      if (entry.on === "operator") continue;
      expect(
        operations.some((operation) => documented(operation).has(code)),
        `${code} (thrown in ${path})`,
      ).toBe(true);
    }
  });

  it("gives each error its catalogue status and the envelope type that status means", () => {
    const refused = new InvalidRequestError("parameter_invalid", "refused");
    expect([refused.status, refused.type, refused.code]).toEqual([
      422,
      "invalid_request",
      "parameter_invalid",
    ]);
    const malformed = new InvalidRequestError("parameter_invalid", "malformed", { status: 400 });
    expect([malformed.status, malformed.type]).toEqual([400, "invalid_request"]);
    const missing = new NotFoundError("payment_intent", "pi_1");
    expect([missing.status, missing.type, missing.code]).toEqual([404, "not_found", "resource_missing"]);
    const limited = new PaygateError("rate_limited", "slow down");
    expect([limited.status, limited.type]).toEqual([429, "rate_limited"]);
    const unavailable = new PaygateError("rate_unavailable", "no rate");
    expect([unavailable.status, unavailable.type]).toEqual([503, "internal"]);
  });
});
