import { startDispatcher } from "@paygate/dispatcher";
import { loadConfig } from "@paygate/shared";

/**
 * A real dispatcher process for S20, configured from the environment like `paygate dispatcher`, with a short
 * BullMQ lock so a killed process's in-flight job is picked up again within a second or two (30 s by default).
 */
const dispatcher = await startDispatcher(loadConfig(process.env), {
  sweepIntervalMs: 200,
  lockDurationMs: 1000,
});
process.stdout.write("dispatcher ready\n");
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void dispatcher.stop().then(() => process.exit(0));
  });
}
