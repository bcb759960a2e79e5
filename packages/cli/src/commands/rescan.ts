import { createLogger } from "@paygate/shared";
import { rescanChain } from "@paygate/watcher";
import type { Command } from "commander";
import { loadConfigOrExit } from "../context.ts";
import { printRecord } from "../output.ts";
import { integerOption } from "./options.ts";

/** `paygate rescan --chain C --from-block N`: scan a chain again from a block; replays change nothing twice. */
export function registerRescan(program: Command): void {
  program
    .command("rescan")
    .description("scan a chain again from a block (idempotent)")
    .requiredOption("--chain <id>", "chain id, e.g. base")
    .requiredOption("--from-block <n>", "first block to scan again", integerOption)
    .action(async (options: { chain: string; fromBlock: number }, command: Command) => {
      const config = loadConfigOrExit();
      const logger = createLogger({ level: config.logLevel, name: "rescan", pretty: process.stderr.isTTY });
      const result = await rescanChain(
        config,
        { chain: options.chain, fromBlock: BigInt(options.fromBlock) },
        { logger },
      );
      printRecord(
        {
          chain: options.chain,
          from_block: options.fromBlock,
          scanned_by: result.scannedBy,
          scanned_to: result.scannedTo?.toString() ?? null,
        },
        command.optsWithGlobals(),
      );
    });
}
