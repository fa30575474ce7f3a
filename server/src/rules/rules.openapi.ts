import {
  AlertActionSchema,
  AlertListSchema,
  AppealDecisionRequestSchema,
  AppealListSchema,
  AppealRequestSchema,
  AppealSummarySchema,
  AlertSummarySchema,
  ComplaintListSchema,
  KpiListSchema,
  KpiTargetUpdateSchema,
  LeaderboardSchema,
  NotificationChannelCreateSchema,
  NotificationChannelSchema,
  NotificationDeliverySchema,
  ThresholdsResponseSchema,
  ThresholdsUpdateSchema,
  ViolationListSchema,
  WaybillTraceSchema,
} from '@kanjian/shared';
import { z } from 'zod';

const ErrorSchema = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional(), correlationId: z.string() });
const json = (schema: z.ZodType) => ({ 'application/json': { schema: z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) } });
const body = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } } });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: 'error', content: json(ErrorSchema) }]));
const security = [{ bearer: [] }];
const q = (name: string, description: string, required = false) => ({ name, in: 'query', required, description, schema: { type: 'string' } });
const p = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const ok = (schema: z.ZodType, description = 'ok') => ({ description, content: json(schema) });

/** The rules domains' paths for the hub's OpenAPI document, from the same shared schemas they validate with. */
export const RULES_OPENAPI_PATHS: Record<string, Record<string, unknown>> = {
  '/api/v1/kpis': {
    get: {
      summary: 'KPIs of a unit (hq, region:ID, site:ID, floor:ID, route:ID, team:ID, person:ID) for a window; with bucket=hour|day a series',
      security,
      parameters: [q('unit', 'unit', true), q('window', 'today | week | <n>d'), q('bucket', 'hour | day'), q('key', 'one KPI key')],
      responses: { '200': ok(KpiListSchema), ...errors(400, 401, 403) },
    },
  },
  '/api/v1/kpis/targets': { put: { summary: 'Set a KPI target or baseline (HQ)', security, requestBody: body(KpiTargetUpdateSchema), responses: { '200': ok(KpiListSchema), ...errors(400, 401, 403) } } },
  '/api/v1/leaderboard': {
    get: { summary: 'Floors, teams and stations ranked by compliance (红旗: zero violations)', security, parameters: [q('window', 'today | week'), q('minVolume', 'parcels to be ranked')], responses: { '200': ok(LeaderboardSchema), ...errors(400, 401) } },
  },
  '/api/v1/alerts': {
    get: {
      summary: 'Alerts a room sees (status open | acknowledged | resolved | unresolved | all)',
      security,
      parameters: [q('status', 'default unresolved'), q('scope', 'room name; default the user’s unit'), q('ruleId', 'rule'), q('within', 'true: every alert in the unit, whatever its level'), q('limit', '1–1000')],
      responses: { '200': ok(AlertListSchema), ...errors(400, 401, 403) },
    },
  },
  '/api/v1/alerts/{id}/{action}': {
    post: { summary: 'ack | resolve | escalate an alert', security, parameters: [p('id'), p('action')], requestBody: body(AlertActionSchema), responses: { '200': ok(AlertSummarySchema), ...errors(400, 401, 403, 404, 409) } },
  },
  '/api/v1/violations': {
    get: {
      summary: 'Violations in a unit',
      security,
      parameters: [q('unit', 'room name (or scope)'), q('status', 'open | appealed | upheld | dismissed | all'), q('since', 'ISO time'), q('waybillNo', 'waybill'), q('ruleId', 'rule'), q('limit', '1–1000')],
      responses: { '200': ok(ViolationListSchema), ...errors(400, 401, 403) },
    },
  },
  '/api/v1/me/violations': { get: { summary: 'What was attributed to the logged-in person (or the team they lead)', security, responses: { '200': ok(ViolationListSchema), ...errors(401, 404) } } },
  '/api/v1/violations/{id}/appeal': {
    post: { summary: 'Appeal a violation (the person, their leader, or their floor/site manager)', security, parameters: [p('id')], requestBody: body(AppealRequestSchema), responses: { '201': ok(AppealSummarySchema), ...errors(400, 401, 403, 404, 409) } },
  },
  '/api/v1/appeals': { get: { summary: 'Appeals in a unit', security, parameters: [q('status', 'pending | upheld | dismissed | all'), q('scope', 'room name')], responses: { '200': ok(AppealListSchema), ...errors(400, 401, 403) } } },
  '/api/v1/appeals/{id}/decision': {
    post: { summary: 'Uphold or dismiss an appeal (site, region, HQ); a dismissed violation leaves every KPI', security, parameters: [p('id')], requestBody: body(AppealDecisionRequestSchema), responses: { '200': ok(AppealSummarySchema), ...errors(400, 401, 403, 404, 409) } },
  },
  '/api/v1/complaints': { get: { summary: 'Complaints with their A1/A2 due times and A3 stage', security, parameters: [q('status', 'open | resolved | all'), q('scope', 'room name')], responses: { '200': ok(ComplaintListSchema), ...errors(400, 401, 403) } } },
  '/api/v1/waybills/{no}/trace': { get: { summary: 'Every record of a parcel across the five stages, with evidence, violations, complaints and A3 attributions', security, parameters: [p('no')], responses: { '200': ok(WaybillTraceSchema), ...errors(400, 401, 403, 404) } } },
  '/api/v1/rules/thresholds': {
    get: { summary: 'Effective thresholds of a site or floor, with defaults, overrides and the audit trail', security, parameters: [q('site', 'site id'), q('floor', 'floor id')], responses: { '200': ok(ThresholdsResponseSchema), ...errors(401, 403, 404) } },
    put: { summary: 'Set or clear threshold overrides of a site or floor (audited)', security, requestBody: body(ThresholdsUpdateSchema), responses: { '200': ok(ThresholdsResponseSchema), ...errors(400, 401, 403, 404) } },
  },
  '/api/v1/notifications/channels': {
    get: { summary: 'Outbound channels the user may manage', security, responses: { '200': ok(z.array(NotificationChannelSchema)), ...errors(401) } },
    post: { summary: 'Subscribe a webhook or SMS channel to a room', security, requestBody: body(NotificationChannelCreateSchema), responses: { '201': ok(NotificationChannelSchema), ...errors(400, 401, 403) } },
  },
  '/api/v1/notifications/channels/{id}': { delete: { summary: 'Disable a channel', security, parameters: [p('id')], responses: { '200': ok(NotificationChannelSchema), ...errors(401, 403, 404) } } },
  '/api/v1/notifications/deliveries': { get: { summary: 'Delivery records (status=dead: the dead letters)', security, parameters: [q('status', 'pending | delivered | dead')], responses: { '200': ok(z.array(NotificationDeliverySchema)), ...errors(401) } } },
};
