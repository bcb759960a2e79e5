import { test as base } from "vitest";
import { type Receiver, type ReceiverOptions, startReceiver } from "../receiver.ts";
import { type Stack, type StackOptions, startStack } from "./anvil-stack.ts";

/**
 * The one way test files get their parts: `stack` is the whole gateway on Anvil (a database and a Redis prefix of
 * its own, the API, the dispatcher, the watcher, a merchant and its verifying receiver), started once per file and
 * stopped after it; a file declares it with `useStack(options)` at its top.
 * `startReceiver` gives a test more verifying receivers, closed when the test ends.
 */
export const test = base
  .extend("stackOptions", { scope: "file" }, {} as StackOptions)
  .extend("stack", { scope: "file" }, async ({ stackOptions }, { onCleanup }): Promise<Stack> => {
    const stack = await startStack(stackOptions);
    onCleanup(() => stack.stop());
    return stack;
  })
  .extend(
    "startReceiver",
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
    async ({}, { onCleanup }): Promise<(options?: ReceiverOptions) => Promise<Receiver>> => {
      const started: Receiver[] = [];
      onCleanup(() => Promise.all(started.map((receiver) => receiver.close())).then(() => undefined));
      return async (options) => {
        const receiver = await startReceiver(options);
        started.push(receiver);
        return receiver;
      };
    },
  );

/**
 * Declares this file's stack: started before its first test, under the hook timeout like any setup (a test's own
 * time budget is for the test), and stopped after the file.
 */
export function useStack(options: StackOptions = {}): void {
  test.override("stackOptions", options);
  // naming the fixture in a suite hook is what starts it there
  test.beforeAll(({ stack }) => void stack);
}
