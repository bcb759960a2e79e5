/** Resolves on the first SIGTERM (docker stop, systemd) or SIGINT (Ctrl-C). */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
}
