/**
 * Response shapes the screens need that `@kanjian/shared` does not define yet (leaderboard, complaints,
 * appeals, waybill trace, KPI series). They are declared here once, as zod schemas, so the hub can copy them
 * into `shared/src/api` unchanged; the wallboard then imports them from there and this file shrinks.
 */
import { z } from 'zod';
import { AlertSummarySchema, KpiValueSchema, ViolationSummarySchema } from '@kanjian/shared';

/** A list endpoint answers a bare JSON array; `{items: [...]}` (a paged answer) is accepted too. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.union([z.array(item), z.object({ items: z.array(item) }).transform((o) => o.items)]);
}

export const StageSchema = z.enum(['pickup', 'transport', 'sorting', 'delivery', 'aftersales']);
export type StageName = z.infer<typeof StageSchema>;

export const EvidenceItemSchema = z.object({ kind: z.string(), uri: z.string() });

export const LeaderboardEntrySchema = z.object({
  unitKind: z.enum(['floor', 'team', 'site']),
  unitId: z.string(),
  name: z.string(),
  siteId: z.string().nullable(),
  regionId: z.string().nullable(),
  parcels: z.number(),
  /** Violations not dismissed, in the window. */
  violations: z.number(),
  /** 1 − violations ÷ parcels, 0..1; null when there were no parcels. */
  complianceRate: z.number().nullable(),
  /** Rank within its unit kind; null when below the minimum volume (not ranked). */
  rank: z.number().int().nullable(),
  /** Zero violations in the window (with at least the minimum volume): holds the 红旗. */
  redFlag: z.boolean(),
  needsAttention: z.boolean(),
});
export const LeaderboardSchema = z.object({
  window: z.enum(['today', 'week']),
  at: z.string(),
  minVolume: z.number(),
  entries: z.array(LeaderboardEntrySchema),
});
export type LeaderboardEntry = z.infer<typeof LeaderboardEntrySchema>;
export type Leaderboard = z.infer<typeof LeaderboardSchema>;

export const ComplaintSummarySchema = z.object({
  id: z.string(),
  waybillNo: z.string().nullable(),
  siteId: z.string(),
  regionId: z.string().nullable(),
  category: z.enum(['delay', 'lost', 'damaged', 'attitude', 'other']),
  channel: z.enum(['phone', 'app', 'web', 'regulator']),
  status: z.enum(['open', 'responded', 'resolved']),
  openedAt: z.string(),
  firstResponseAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  /** When rule A1 (first response) and A2 (resolution) fall due, with the site's thresholds applied. */
  firstResponseDueAt: z.string(),
  resolutionDueAt: z.string(),
  attributedStage: StageSchema.nullable(),
});
export type ComplaintSummary = z.infer<typeof ComplaintSummarySchema>;

export const AppealSummarySchema = z.object({
  id: z.string(),
  violationId: z.string(),
  status: z.enum(['pending', 'upheld', 'dismissed']),
  note: z.string(),
  by: z.string(),
  at: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
  violation: ViolationSummarySchema,
});
export type AppealSummary = z.infer<typeof AppealSummarySchema>;

export const TraceRecordSchema = z.object({
  id: z.string(),
  at: z.string(),
  stage: StageSchema,
  /** The ingest event type (`pickup.completed`, `waybill.tracking`, …). */
  type: z.string(),
  siteId: z.string().nullable(),
  actorId: z.string().nullable(),
  summary: z.string(),
  evidence: z.array(EvidenceItemSchema),
});
export type TraceRecord = z.infer<typeof TraceRecordSchema>;

export const WaybillTraceSchema = z.object({
  waybillNo: z.string(),
  records: z.array(TraceRecordSchema),
  violations: z.array(ViolationSummarySchema),
  complaints: z.array(ComplaintSummarySchema),
  /** Rule A3: each complaint attributed to the stage most likely at fault, with the reason. */
  attributions: z.array(z.object({ complaintId: z.string(), stage: StageSchema, reason: z.string() })),
});
export type WaybillTrace = z.infer<typeof WaybillTraceSchema>;

export const AlertListSchema = listOf(AlertSummarySchema);
export const ViolationListSchema = listOf(ViolationSummarySchema);
export const KpiListSchema = listOf(KpiValueSchema);
export const ComplaintListSchema = listOf(ComplaintSummarySchema);
export const AppealListSchema = listOf(AppealSummarySchema);
