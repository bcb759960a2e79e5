import { z } from "zod";

/** Lone surrogates and NUL cannot be stored in PostgreSQL text/jsonb; refuse them as input, not as a 500. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function text(max: number) {
  return z
    .string()
    .max(max)
    .refine(
      (value) => !value.includes("\u0000") && !loneSurrogate.test(value),
      "must be well-formed Unicode text without NUL characters",
    );
}

export const objectId = text(64).min(1).meta({ description: "Object id" });

/** An id of one kind of object, documented with its prefix (`pi_`, `evt_`, `we_`...). */
export function idOf(prefix: string) {
  return text(64)
    .min(1)
    .meta({ description: `Object id (\`${prefix}_...\`)`, example: `${prefix}_01JH8X4J9Q7ZQ3K5Z8V6T0M2AB` });
}

export function idParamsOf(prefix: string) {
  return z.strictObject({ id: idOf(prefix) });
}

export { isoTimestamp as timestamp } from "@paygate/shared";

/** Lists (contract section 3): `?limit=1..100 (20)&starting_after=ID`, newest first. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: "Page size, 1 to 100" }),
  starting_after: objectId.optional().meta({ description: "Return objects created before this id (cursor)" }),
};

export function listOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({ object: z.literal("list"), data: z.array(item), has_more: z.boolean() })
    .meta({ id, description: "One page of a list, newest first" });
}

export const errorSchema = z
  .object({
    error: z.object({
      type: z.enum([
        "invalid_request",
        "authentication",
        "not_found",
        "conflict",
        "rate_limited",
        "internal",
      ]),
      code: z.string().meta({ example: "parameter_invalid" }),
      message: z.string(),
      param: z.string().optional(),
    }),
  })
  .meta({ id: "Error", description: "Every error answer has this shape" });

/** Parsed list query to the shared `PageRequest`. */
export function pageRequest(query: { limit: number; starting_after?: string | undefined }) {
  return { limit: query.limit, startingAfter: query.starting_after };
}
