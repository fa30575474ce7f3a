import { z } from 'zod';

/**
 * Every background job as a (queue, name, payload) union. A worker re-parses its payload with the schema, and
 * the job id makes enqueueing the same work twice a no-op.
 */
export const QUEUES = ['rules', 'rollups', 'notifications'] as const;
export type QueueName = (typeof QUEUES)[number];

export const JobSchemas = {
  rules: {
    /** Evaluate the single-event rules over events a flush stored. */
    evaluate: z.object({ eventIds: z.array(z.uuid()).min(1) }),
    /** A timer that fires when something did not happen in time (silence, no response, no departure). */
    deadline: z.object({ ruleId: z.string(), subject: z.string(), dueAt: z.string(), context: z.record(z.string(), z.unknown()) }),
    /** An alert nobody acknowledged at `level` in time moves one level up (floor → site → region → HQ). */
    escalate: z.object({ alertId: z.uuid(), level: z.enum(['floor', 'site', 'region', 'hq']) }),
  },
  rollups: {
    refresh: z.object({ unit: z.string(), day: z.string() }),
  },
  notifications: {
    deliver: z.object({ channel: z.string(), alertId: z.string(), recipient: z.string(), body: z.string() }),
  },
} as const satisfies Record<QueueName, Record<string, z.ZodType>>;

export type JobName<Q extends QueueName> = keyof (typeof JobSchemas)[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = z.infer<(typeof JobSchemas)[Q][N]>;

export function parseJob<Q extends QueueName, N extends JobName<Q>>(queue: Q, name: N, data: unknown): JobPayload<Q, N> {
  const schema = (JobSchemas[queue] as Record<string, z.ZodType>)[name];
  if (!schema) throw new Error(`unknown job ${queue}/${name}`);
  return schema.parse(data) as JobPayload<Q, N>;
}
