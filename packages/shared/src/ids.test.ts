import { expect, it } from "vitest";
import { newId } from "./ids.ts";

it("ids made in one millisecond still sort in the order they were made", () => {
  const ids = Array.from({ length: 1000 }, () => newId("evt"));
  expect([...ids].sort()).toEqual(ids);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids[0]).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
});
