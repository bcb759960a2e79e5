/**
 * Gathers the calls made in one turn of the event loop and runs them as one: the worker's concurrent jobs each
 * load and record one delivery, and one statement for many rows costs one round trip (and one socket write)
 * instead of one per delivery, which is where the dispatcher spent most of its time (benchmark profile).
 * `run` gets the inputs in call order and returns one answer per input, in the same order.
 */
export function batchCalls<In, Out>(
  run: (inputs: In[]) => Promise<Out[]>,
  maxBatch: number,
): (input: In) => Promise<Out> {
  const pending: { input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const batch = pending.splice(0, maxBatch);
    if (pending.length > 0) setImmediate(flush);
    run(batch.map((call) => call.input)).then(
      (outputs) => {
        for (const [i, call] of batch.entries()) call.resolve(outputs[i]!);
      },
      (error: unknown) => {
        for (const call of batch) call.reject(error);
      },
    );
  };
  return (input) =>
    new Promise<Out>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ input, resolve, reject });
    });
}
