import { type ChildProcess, execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { freePort, until } from "@paygate/testkit/helpers";

const run = promisify(execFile);

export interface RedisServer {
  url: string;
  port: number;
  /** `redis-cli` against this server only. */
  command(...args: string[]): Promise<string>;
  /** SIGTERM unless told; the soak kills it with SIGKILL ("Redis died"). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A redis-server of our own on a free 127.0.0.1 port, no persistence: the soak can FLUSHALL it and the
 * benchmarks can load it without touching the Redis other engineers' tests share.
 */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const command = async (...args: string[]) =>
    (await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args])).stdout.trim();
  await until(async () => (await command("ping")) === "PONG", {
    timeoutMs: 10_000,
    message: `redis-server on ${port}`,
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    command,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}
