import { findEventMerchantId, redeliverEvent } from "@paygate/shared";
import type { Command } from "commander";
import { withDatabase } from "../context.ts";
import { printRecord } from "../output.ts";

/** `paygate events redeliver ID [--endpoint ID]`: resend an event (same id and body, fresh signature). */
export function registerEvents(program: Command): void {
  const events = program.command("events").description("webhook events");

  events
    .command("redeliver")
    .description("resend an event to its endpoints, or to one endpoint")
    .argument("<event>", "event id (evt_...)")
    .option("--endpoint <id>", "only this webhook endpoint (we_...)")
    .action(async (eventId: string, options: { endpoint?: string }, command: Command) => {
      const redelivery = await withDatabase(async (db) =>
        redeliverEvent(db, await findEventMerchantId(db, eventId), eventId, options.endpoint),
      );
      printRecord(
        command.optsWithGlobals().json
          ? redelivery
          : { event: eventId, deliveries: redelivery.deliveries.join(", ") },
        command.optsWithGlobals(),
      );
    });
}
