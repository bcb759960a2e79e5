import type { Db } from "@paygate/shared";
import type { Router } from "express";
import { sql } from "kysely";

/** `/healthz`: the process answers. `/readyz`: and its dependencies do (load balancers route on this). */
export function mountHealth(router: Router, db: Db): void {
  router.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });
  router.get("/readyz", async (_request, response) => {
    const database = await sql`select 1`
      .execute(db)
      .then(() => "ok" as const)
      .catch(() => "unreachable" as const);
    response
      .status(database === "ok" ? 200 : 503)
      .json({ status: database === "ok" ? "ok" : "unavailable", checks: { database } });
  });
}
