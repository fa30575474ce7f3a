import { z } from 'zod';
import { AlertSummarySchema, KpiValueSchema, ViolationSummarySchema } from './summaries';

/** REST shapes of the rules domain: thresholds, alerts, violations, appeals, KPIs, leaderboard, trace, notifications. */

export const StageNameSchema = z.enum(['pickup', 'transport', 'sorting', 'delivery', 'aftersales']);
export type StageName = z.infer<typeof StageNameSchema>;

export const KpiWindowSchema = z.string().regex(/^(today|week|\d{1,3}d)$/, 'must be today, week or <n>d');
export const KpiQuerySchema = z.object({
  unit: z
    .string()
    .regex(/^(hq|(region|site|floor|route|team|person):[A-Za-z0-9][A-Za-z0-9_.:-]{0,63})$/, 'must be hq or <region|site|floor|route|team|person>:<id>'),
  window: KpiWindowSchema.default('today'),
  bucket: z.enum(['hour', 'day']).optional(),
  key: z.string().max(64).optional(),
});
export type KpiQuery = z.infer<typeof KpiQuerySchema>;
export const KpiListSchema = z.array(KpiValueSchema);

export const KpiTargetUpdateSchema = z.object({
  key: z.string().min(1).max(64),
  target: z.number().nullable().optional(),
  baseline: z.number().nullable().optional(),
  note: z.string().max(500).optional(),
});

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

export const AlertListQuerySchema = z.object({
  status: z.enum(['open', 'acknowledged', 'resolved', 'unresolved', 'all']).default('unresolved'),
  scope: z.string().optional(),
  ruleId: z.string().max(8).optional(),
  /** `true`: every alert located in the scope's unit, whatever level it has reached (default: what the room sees). */
  within: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const AlertActionSchema = z.object({ note: z.string().max(1000).optional() });
export const AlertListSchema = z.array(AlertSummarySchema);

export const ViolationListQuerySchema = z.object({
  unit: z.string().optional(),
  scope: z.string().optional(),
  status: z.enum(['open', 'appealed', 'upheld', 'dismissed', 'all']).default('all'),
  since: z.iso.datetime({ offset: true }).optional(),
  waybillNo: z.string().max(24).optional(),
  ruleId: z.string().max(8).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const ViolationListSchema = z.array(ViolationSummarySchema);

export const AppealRequestSchema = z.object({ note: z.string().trim().min(1, 'a note is required').max(2000) });
export const AppealDecisionRequestSchema = z.object({
  /** `uphold`/`dismiss`; the past participles are accepted too. */
  decision: z.enum(['uphold', 'dismiss', 'upheld', 'dismissed']).transform((d) => (d.startsWith('uphold') || d === 'upheld' ? 'upheld' : 'dismissed') as 'upheld' | 'dismissed'),
  reason: z.string().trim().min(1, 'a reason is required').max(2000),
});
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
export const AppealListSchema = z.array(AppealSummarySchema);

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
  attributedStage: StageNameSchema.nullable(),
});
export type ComplaintSummary = z.infer<typeof ComplaintSummarySchema>;
export const ComplaintListSchema = z.array(ComplaintSummarySchema);

export const EvidenceItemSchema = z.object({ kind: z.string(), uri: z.string() });
export const TraceRecordSchema = z.object({
  id: z.string(),
  at: z.string(),
  stage: StageNameSchema,
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
  attributions: z.array(z.object({ complaintId: z.string(), stage: StageNameSchema, reason: z.string() })),
});
export type WaybillTrace = z.infer<typeof WaybillTraceSchema>;

export const ThresholdQuerySchema = z.object({ site: z.string().max(64).optional(), floor: z.string().max(64).optional() });
export const ThresholdEntrySchema = z.object({
  ruleId: z.string(),
  key: z.string(),
  default: z.number(),
  site: z.number().nullable(),
  floor: z.number().nullable(),
  effective: z.number(),
  floorApplies: z.boolean(),
});
export const ThresholdsResponseSchema = z.object({
  siteId: z.string().nullable(),
  floorId: z.string().nullable(),
  entries: z.array(ThresholdEntrySchema),
  audit: z.array(
    z.object({
      scope: z.string(),
      ruleId: z.string(),
      key: z.string(),
      oldValue: z.number().nullable(),
      newValue: z.number().nullable(),
      by: z.string(),
      at: z.string(),
      note: z.string().nullable(),
    }),
  ),
});
export type ThresholdsResponse = z.infer<typeof ThresholdsResponseSchema>;
/** Set (a number) or clear (null) overrides of one site or floor; every change is audited. */
export const ThresholdsUpdateSchema = z
  .object({
    site: z.string().max(64).optional(),
    floor: z.string().max(64).optional(),
    changes: z
      .array(z.object({ ruleId: z.string(), key: z.string(), value: z.number().finite().nullable() }))
      .min(1)
      .max(200),
    note: z.string().max(1000).optional(),
  })
  .refine((b) => (b.site === undefined) !== (b.floor === undefined), { message: 'give exactly one of site or floor', path: ['site'] });
export type ThresholdsUpdate = z.infer<typeof ThresholdsUpdateSchema>;

export const NotificationChannelCreateSchema = z.object({
  kind: z.enum(['webhook', 'sms']),
  target: z.string().min(1).max(2048),
  scope: z.string().regex(/^(hq|(region|site|floor):[A-Za-z0-9][A-Za-z0-9_.:-]{0,63})$/, 'must be a room name'),
  minSeverity: z.enum(['warning', 'violation', 'critical']).default('warning'),
  ruleIds: z.array(z.string().max(8)).max(40).nullable().default(null),
  secret: z.string().min(8).max(256).optional(),
  maxAttempts: z.number().int().min(1).max(20).default(5),
});
export const NotificationChannelSchema = NotificationChannelCreateSchema.omit({ secret: true }).extend({
  id: z.string(),
  enabled: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type NotificationChannel = z.infer<typeof NotificationChannelSchema>;
export const NotificationDeliverySchema = z.object({
  id: z.string(),
  alertId: z.string(),
  channelId: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
/** What a webhook receives (POST, JSON; `x-kanjian-signature: sha256=<hmac>` when the channel has a secret). */
export const WebhookPayloadSchema = z.object({
  kind: z.literal('alert'),
  reason: z.string(),
  alert: AlertSummarySchema,
  text: z.string(),
});
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;
