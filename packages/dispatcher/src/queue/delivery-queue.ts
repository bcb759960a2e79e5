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

/** A delivery to queue, with the merchant it is fair to. */
export interface QueuedDelivery {
  id: string;
  merchantId: string;
}

/** BullMQ's highest priority number (2^21). */
const LOWEST_PRIORITY = 2_097_152;

/**
 * Adds jobs for deliveries; ids already in Redis (waiting, delayed or active) are left as they are.
 *
 * Fair order (contract section 8): a job's priority is its rank among the same merchant's deliveries in the
 * batch (BullMQ serves lower numbers first, FIFO within one). A merchant whose thousand events fan out to 16
 * endpoints gets priorities 1..16,000; another merchant's next delivery, queued later with priority 1, is
 * served before nearly all of that backlog instead of after it. The number stays with the job when it is
 * delayed (a retry or a slot wait), so a backlog keeps its place behind newcomers.
 */
export async function enqueueDeliveries(
  queue: Queue<DeliveryJob>,
  deliveries: readonly QueuedDelivery[],
): Promise<void> {
  if (deliveries.length === 0) return;
  const rank = new Map<string, number>();
  await queue.addBulk(
    deliveries.map(({ id, merchantId }) => {
      const priority = Math.min((rank.get(merchantId) ?? 0) + 1, LOWEST_PRIORITY);
      rank.set(merchantId, priority);
      return {
        name: DELIVER_JOB,
        data: { deliveryId: id },
        opts: { ...deliveryJobOptions, jobId: id, priority },
      };
    }),
  );
}
