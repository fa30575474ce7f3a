import { z } from 'zod';

export const SeveritySchema = z.enum(['info', 'warning', 'violation', 'critical']);

export const ViolationSummarySchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  stage: z.string(),
  severity: SeveritySchema,
  subjectKind: z.string(),
  subjectId: z.string(),
  floorId: z.string().nullable(),
  siteId: z.string().nullable(),
  waybillNo: z.string().nullable(),
  responsible: z.string().nullable(),
  evidence: z.array(z.object({ kind: z.string(), uri: z.string() })),
  at: z.string(),
  status: z.enum(['open', 'appealed', 'upheld', 'dismissed']),
  detail: z.string(),
});
export type ViolationSummaryV1 = z.infer<typeof ViolationSummarySchema>;

export const AlertSummarySchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  subjectKind: z.string(),
  subjectId: z.string(),
  siteId: z.string().nullable(),
  regionId: z.string().nullable(),
  severity: z.enum(['warning', 'violation', 'critical']),
  level: z.enum(['floor', 'site', 'region', 'hq']),
  status: z.enum(['open', 'acknowledged', 'resolved']),
  title: z.string(),
  openedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
});
export type AlertSummaryV1 = z.infer<typeof AlertSummarySchema>;

export const KpiValueSchema = z.object({
  unit: z.string(),
  key: z.string(),
  value: z.number().nullable(),
  target: z.number().nullable(),
  window: z.string(),
  at: z.string(),
});
export type KpiValueV1 = z.infer<typeof KpiValueSchema>;

/** A short line for a room's live feed: one ingested fact that is not a position. */
export const FeedItemSchema = z.object({
  id: z.string(),
  type: z.string(),
  at: z.string(),
  subject: z.string(),
  summary: z.string(),
});
export type FeedItemV1 = z.infer<typeof FeedItemSchema>;
