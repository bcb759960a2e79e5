import type { Router } from "express";

/**
 * `/healthz`: the process answers. Readiness and metrics are on the ops port (`startApi`), never on this
 * public one: they are unauthenticated and `/readyz` queries the database.
 */
export function mountHealth(router: Router): void {
  router.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });
}
