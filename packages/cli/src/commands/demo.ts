import type { Command } from "commander";
import { loadConfigOrExit } from "../context.ts";
import { loadDevtools } from "../devtools.ts";
import { shutdownSignal } from "../services/shutdown-signal.ts";
import { integerOption } from "./options.ts";

/**
 * `paygate demo`: against a running `paygate dev`, a shop's whole flow (see `runDemo` in @paygate/devtools).
 * Ctrl-C stops it cleanly: its webhook endpoint is removed and it exits 0.
 */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("against a running `paygate dev`: create an intent, pay it on Anvil, print the webhooks")
    .option("--amount <eth>", "amount in ETH", "0.01")
    .option("--timeout <seconds>", "give up after this long", integerOption, 60)
    .action(async (options: { amount: string; timeout: number }) => {
      const { devSessionPath, readDevSession, runDemo } = await loadDevtools("demo");
      const interrupted = shutdownSignal();
      const config = loadConfigOrExit();
      const session = await readDevSession(devSessionPath(config.port));
      const alive =
        session &&
        (await fetch(`${session.apiUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        ));
      if (!session || !alive) {
        process.stderr.write(
          `paygate demo: no \`paygate dev\` answers on port ${config.port}. Start it first (\`pnpm dev\`, same PORT).\n`,
        );
        process.exit(1);
      }
      process.exitCode = await runDemo(session, {
        ...options,
        interrupted,
        print: (line) => process.stdout.write(`${line}\n`),
      });
    });
}
