import express from "express";
import { startApi } from "../../packages/api/src/index.ts";
import { createLogger, loadConfig } from "../../packages/shared/src/index.ts";

/**
 * The API benchmark's server, in a process of its own: `paygate` runs the real API (rate limit out of the way),
 * `bare` an express app that parses the same JSON body and answers a canned 201, the ceiling on this machine.
 */
const mode = process.argv[2];

if (mode === "paygate") {
  const api = await startApi(
    loadConfig({ ...process.env, PORT: "0", API_OPS_PORT: "0", LOG_LEVEL: "silent" }),
    {
      logger: createLogger({ level: "silent" }),
      rateLimit: { limit: 1_000_000_000, windowMs: 1000 },
    },
  );
  process.stdout.write(`ready ${JSON.stringify({ url: api.url })}\n`);
  process.once("SIGTERM", () => void api.close().then(() => process.exit(0)));
} else if (mode === "bare") {
  const app = express();
  app.use(express.json({ limit: "64kb" }));
  app.post("/v1/payment-intents", (request, response) => {
    response.status(201).json({ id: "pi_bare", object: "payment_intent", ...request.body });
  });
  const server = app.listen(0, "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    process.stdout.write(`ready ${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
  });
  process.once("SIGTERM", () => server.close(() => process.exit(0)));
} else {
  throw new Error(`usage: api-server.ts paygate|bare (got ${mode})`);
}
