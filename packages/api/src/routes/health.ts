import { type ReadinessCheck, readiness } from "@paygate/shared";
import type { Router } from "express";

/** `/healthz`: the process answers. `/readyz`: and its dependencies do (load balancers route on this). */
export function mountHealth(router: Router, checks: Record<string, ReadinessCheck>): void {
  router.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });
  router.get("/readyz", async (_request, response) => {
    const results = await readiness(checks);
    const ready = Object.values(results).every((state) => state === "ok");
    response.status(ready ? 200 : 503).json({ status: ready ? "ok" : "unavailable", checks: results });
  });
}
