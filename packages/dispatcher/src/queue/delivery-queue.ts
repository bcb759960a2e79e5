import { type ConnectionOptions, type JobsOptions, Queue, type WorkerOptions } from "bullmq";

/**
 * Every BullMQ option that matters, in one place. BullMQ is the engine, PostgreSQL the record: a job is only
 * "deliver delivery X now", its id is the delivery id (adding it twice is a no-op), BullMQ never retries on its
 * own (attempts 1), and finished or failed jobs are removed because the outcome lives in PostgreSQL. A job that
 * failed for an unexpected reason is re-added by the sweep while its delivery is still owed.
 */
export const DELIVERY_QUEUE = "webhook-deliveries";
export const DELIVER_JOB = "deliver";

export interface DeliveryJob {
  deliveryId: string;
}

export const deliveryJobOptions: JobsOptions = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: true,
};

export interface WorkerTuning {
  /** Requests in flight per process (the per-endpoint limit is separate). */
  concurrency: number;
  /** How long a job's lock lives without renewal; a killed worker's job is picked up again after it lapses. */
  lockDurationMs: number;
}

export function deliveryWorkerOptions(
  connection: ConnectionOptions,
  prefix: string,
  tuning: WorkerTuning,
): WorkerOptions {
  return {
    connection,
    prefix,
    concurrency: tuning.concurrency,
    lockDuration: tuning.lockDurationMs,
    stalledInterval: Math.max(500, Math.floor(tuning.lockDurationMs / 2)),
    // A job that stalls again is failed (and removed); the sweep re-adds it while PostgreSQL says it is owed.
    maxStalledCount: 1,
  };
}

export function createDeliveryQueue(connection: ConnectionOptions, prefix: string): Queue<DeliveryJob> {
  return new Queue<DeliveryJob>(DELIVERY_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: deliveryJobOptions,
  });
}

/** Adds jobs for deliveries; ids already in Redis (waiting, delayed or active) are left as they are. */
export async function enqueueDeliveries(
  queue: Queue<DeliveryJob>,
  deliveryIds: readonly string[],
): Promise<void> {
  if (deliveryIds.length === 0) return;
  await queue.addBulk(
    deliveryIds.map((deliveryId) => ({
      name: DELIVER_JOB,
      data: { deliveryId },
      opts: { ...deliveryJobOptions, jobId: deliveryId },
    })),
  );
}
