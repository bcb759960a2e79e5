/**
 * A Ctrl-C in a terminal signals every process of the foreground group, and each wrapper on the way (pnpm, tsx)
 * relays it to its child once more: one key press reaches the service two or three times within milliseconds.
 * Signals that close to the first are that same request; one later than `ECHO_WINDOW_MS` is someone asking again
 * because the graceful stop takes too long, and forces the exit.
 */
export const ECHO_WINDOW_MS = 1_000;

/** Exit code of a forced stop: the shell's code for "ended by SIGINT". */
export const FORCED_EXIT_CODE = 130;

export type SignalVerdict = "shutdown" | "echo" | "force";

/** Pure: what a stop signal received at `now` means, given when the first one arrived (undefined: none yet). */
export function judgeSignal(
  firstAt: number | undefined,
  now: number,
  echoWindowMs = ECHO_WINDOW_MS,
): SignalVerdict {
  if (firstAt === undefined) return "shutdown";
  return now - firstAt < echoWindowMs ? "echo" : "force";
}

/**
 * Resolves on the first SIGTERM (docker stop, systemd) or SIGINT (Ctrl-C) and keeps listening for the life of the
 * process: with no listener left, a relayed second SIGINT would take Node's default action and kill the process
 * halfway through its graceful stop. A repeated request (see `judgeSignal`) exits at once with code 130.
 */
export function shutdownSignal(options: { echoWindowMs?: number } = {}): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let firstAt: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      const now = Date.now();
      const verdict = judgeSignal(firstAt, now, options.echoWindowMs);
      if (verdict === "shutdown") {
        firstAt = now;
        resolve(signal);
      } else if (verdict === "force") {
        process.stderr.write(`${signal} again: stopping now, without finishing the graceful stop\n`);
        process.exit(FORCED_EXIT_CODE);
      }
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}
