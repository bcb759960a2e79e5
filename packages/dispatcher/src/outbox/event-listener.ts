import { EVENTS_CHANNEL, type Logger } from "@paygate/shared";
import pg from "pg";

export interface EventListener {
  close(): Promise<void>;
}

/**
 * LISTENs on the outbox channel on a dedicated connection, so new events are relayed at once. When the
 * connection drops it reconnects; the relay's short poll covers the gap.
 */
export function listenForEvents(
  databaseUrl: string,
  onNotice: (payload: string) => void,
  logger: Logger,
  reconnectDelayMs = 1000,
): EventListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    const next = new pg.Client({
      connectionString: databaseUrl,
      application_name: "paygate-dispatcher-listen",
    });
    next.on("notification", (message) => onNotice(message.payload ?? ""));
    next.on("error", (error) => {
      logger.warn({ err: error }, "event listener connection failed; reconnecting");
      scheduleReconnect(next);
    });
    next.on("end", () => scheduleReconnect(next));
    try {
      await next.connect();
      await next.query(`listen ${EVENTS_CHANNEL}`);
      if (closed) await next.end();
      else client = next;
      // Anything committed while we were not listening is picked up by this wake-up.
      onNotice("");
    } catch (error) {
      logger.warn({ err: error }, "event listener could not connect; retrying");
      scheduleReconnect(next);
    }
  };

  const scheduleReconnect = (failed: pg.Client) => {
    if (closed || retry || (client && client !== failed)) return;
    client = undefined;
    failed.end().catch(() => {});
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, reconnectDelayMs);
  };

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
