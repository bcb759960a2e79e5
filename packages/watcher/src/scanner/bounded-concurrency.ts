/**
 * Runs `task` for every item, at most `limit` at a time, items started in their order. After the first failure
 * no further item starts; it waits for the tasks already running to settle, then rejects with that first error.
 * So when it rejects, nothing is still writing, and the caller (the scanner) can retry the whole range without
 * racing its own leftovers.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  async function worker(): Promise<void> {
    while (failure === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  if (failure !== undefined) throw failure.error;
}
