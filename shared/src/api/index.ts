import { z } from 'zod';

export * from './errors';
export * from './summaries';
export * from './network';
export * from './rules-api';

/** Documented ingest limits; the hub enforces them and answers 413 past the byte limit. */
export const INGEST_LIMITS = { maxBytes: 8 * 1024 * 1024, maxItems: 20_000 } as const;

export const IngestRejectionSchema = z.object({
  index: z.number().int(),
  path: z.string(),
  message: z.string(),
});

export const IngestResponseSchema = z.object({
  /** Items valid and durably stored by this request (including ones already stored by an earlier try). */
  accepted: z.number().int(),
  /** Of the accepted, how many were already stored (same id): a retry, not counted twice. */
  duplicates: z.number().int(),
  rejected: z.array(IngestRejectionSchema),
});
export type IngestResponse = z.infer<typeof IngestResponseSchema>;

export const RoleSchema = z.enum(['hq', 'region', 'site', 'floor']);
export type Role = z.infer<typeof RoleSchema>;

export const LoginRequestSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const UserInfoSchema = z.object({
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  /** The region, site or floor the user's role is scoped to; null for hq. */
  scopeId: z.string().nullable(),
  /** The person record (courier, sorter, staff) this login belongs to, for "my record". */
  personId: z.string().nullable(),
});
export type UserInfo = z.infer<typeof UserInfoSchema>;
export const LoginResponseSchema = z.object({ token: z.string(), expiresAt: z.string(), user: UserInfoSchema });

export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  database: z.object({ ok: z.boolean(), timescale: z.boolean(), latencyMs: z.number().nullable() }),
  redis: z.object({ ok: z.boolean(), latencyMs: z.number().nullable() }),
  queues: z.record(z.string(), z.object({ waiting: z.number(), active: z.number(), delayed: z.number(), failed: z.number(), lagMs: z.number().nullable() })),
  ingest: z.object({ buffered: z.number(), lastFlushAt: z.string().nullable() }),
  version: z.string(),
});
export type Health = z.infer<typeof HealthSchema>;
