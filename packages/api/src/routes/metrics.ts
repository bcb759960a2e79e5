import { type Db, intentMetrics, withProcessMetrics } from "@paygate/shared";
import type { Router } from "express";

/** `/metrics`: Prometheus text, unauthenticated like `/healthz` (keep it off the public internet). */
export function mountMetrics(router: Router, db: Db): void {
  const registry = withProcessMetrics(intentMetrics(db));
  router.get("/metrics", async (_request, response) => {
    response.type(registry.contentType).send(await registry.metrics());
  });
}
