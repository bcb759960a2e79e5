import { startDispatcher } from "../../packages/dispatcher/src/index.ts";
import { createLogger, loadConfig } from "../../packages/shared/src/index.ts";

/** The dispatcher benchmark's dispatcher, in a process of its own, configured from the environment. */
const dispatcher = await startDispatcher(loadConfig(process.env), {
  logger: createLogger({ level: "silent" }),
});
process.stdout.write("ready {}\n");
process.once("SIGTERM", () => void dispatcher.stop().then(() => process.exit(0)));
