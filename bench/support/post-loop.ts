import { Agent, request } from "undici";

/**
 * The dispatcher benchmark's baseline, in a process of its own: `count` POSTs of `body` to `url` from an undici
 * pool, `concurrency` in flight; prints the elapsed milliseconds.
 */
const [url, count, concurrency] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const body = process.argv[5] ?? "{}";
const dispatcher = new Agent({ connections: concurrency });
let next = 0;
process.stdout.write("ready {}\n");
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      const response = await request(url, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", "webhook-id": `evt_${next}` },
        dispatcher,
      });
      await response.body.dump();
    }
  }),
);
process.stdout.write(`done ${JSON.stringify({ ms: performance.now() - started })}\n`);
await dispatcher.close();
