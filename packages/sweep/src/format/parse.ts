import type { z } from "zod";
import { SweepError } from "../errors.ts";
import { type SweepBundle, sweepBundleSchema } from "./bundle-format.ts";
import { type SweepPlan, sweepPlanSchema } from "./plan-format.ts";

function parseJson<T>(schema: z.ZodType<T>, text: string, code: "plan_invalid" | "bundle_invalid"): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SweepError(code, `not JSON: expected a ${code === "plan_invalid" ? "plan" : "bundle"} file`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SweepError(code, `${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

export const parsePlan = (text: string): SweepPlan => parseJson(sweepPlanSchema, text, "plan_invalid");
export const parseBundle = (text: string): SweepBundle =>
  parseJson(sweepBundleSchema, text, "bundle_invalid");
