import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type JobsOptions, Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { type JobName, type JobPayload, parseJob, QUEUES, type QueueName } from './jobs';

/** The typed way to enqueue work that must not run on the request path. */
@Injectable()
export class JobsService implements OnApplicationShutdown {
  readonly queues: Record<QueueName, Queue>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const connection = { url: config.KJ_REDIS_URL, maxRetriesPerRequest: null };
    this.queues = Object.fromEntries(
      QUEUES.map((q) => [q, new Queue(q, { connection, prefix: `${config.KJ_REDIS_PREFIX}:bull` })]),
    ) as Record<QueueName, Queue>;
  }

  /** `jobId` makes the enqueue idempotent: a second add with the same id is ignored by BullMQ. */
  async add<Q extends QueueName, N extends JobName<Q>>(queue: Q, name: N, payload: JobPayload<Q, N>, jobId: string, opts: JobsOptions = {}) {
    parseJob(queue, name, payload);
    return this.queues[queue].add(name, payload, {
      jobId,
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
      ...opts,
    });
  }

  /** Per queue: counts and how old the oldest waiting job is (the lag health reports). */
  async stats() {
    const out: Record<string, { waiting: number; active: number; delayed: number; failed: number; lagMs: number | null }> = {};
    for (const q of QUEUES) {
      const c = await this.queues[q].getJobCounts('waiting', 'active', 'delayed', 'failed');
      const [oldest] = await this.queues[q].getJobs(['waiting'], 0, 0, true);
      out[q] = {
        waiting: c.waiting ?? 0,
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
        lagMs: oldest ? Date.now() - oldest.timestamp : null,
      };
    }
    return out;
  }

  async onApplicationShutdown() {
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
  }
}
