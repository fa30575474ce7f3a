/**
 * Every REST call the wallboard makes, in one place: a path or a shape that changes on the hub changes here.
 * Answers are validated against the shared contracts (`@kanjian/shared`, the schemas the hub answers with),
 * so a mismatch shows as a clear `contract/mismatch` error on screen instead of an empty chart.
 */
import {
  AlertListSchema,
  AlertSummarySchema,
  AppealListSchema,
  AppealSummarySchema,
  ComplaintListSchema,
  KpiListSchema,
  LeaderboardSchema,
  LoginResponseSchema,
  NetworkSchema,
  UserInfoSchema,
  ViolationListSchema,
  WaybillTraceSchema,
  type RoomName,
} from '@kanjian/shared';
import type { HttpClient } from './http-client';

/** The unit a KPI belongs to: the same strings as the room names (`hq`, `region:<id>`, …). */
export type KpiUnit = RoomName;
export type KpiBucket = 'hour' | 'day';
export type AlertAction = 'ack' | 'resolve' | 'escalate';
export type AppealDecision = 'upheld' | 'dismissed';

export const API_PATHS = {
  login: '/api/v1/auth/login',
  me: '/api/v1/auth/me',
  network: '/api/v1/network',
  kpis: '/api/v1/kpis',
  leaderboard: '/api/v1/leaderboard',
  alerts: '/api/v1/alerts',
  alertAction: (id: string, action: AlertAction) => `/api/v1/alerts/${encodeURIComponent(id)}/${action}`,
  violations: '/api/v1/violations',
  appeal: (violationId: string) => `/api/v1/violations/${encodeURIComponent(violationId)}/appeal`,
  appeals: '/api/v1/appeals',
  appealDecision: (appealId: string) => `/api/v1/appeals/${encodeURIComponent(appealId)}/decision`,
  complaints: '/api/v1/complaints',
  trace: (waybillNo: string) => `/api/v1/waybills/${encodeURIComponent(waybillNo)}/trace`,
  myViolations: '/api/v1/me/violations',
} as const;

export function createKanjianApi(http: HttpClient) {
  return {
    login: (username: string, password: string) => http.post(API_PATHS.login, LoginResponseSchema, { username, password }),
    me: () => http.get(API_PATHS.me, UserInfoSchema),
    network: () => http.get(API_PATHS.network, NetworkSchema),

    /** Current values of every KPI of a unit for a window. */
    kpis: (unit: KpiUnit, window: 'today' | 'week' = 'today') => http.get(API_PATHS.kpis, KpiListSchema, { unit, window }),
    /**
     * A KPI's series: one value per bucket (`at` = bucket start), for trends. `window=today&bucket=hour` gives
     * today's hours; `window=14d&bucket=day` the last 14 days.
     */
    kpiSeries: (unit: KpiUnit, window: string, bucket: KpiBucket, key?: string) =>
      http.get(API_PATHS.kpis, KpiListSchema, { unit, window, bucket, key }),

    leaderboard: (window: 'today' | 'week') => http.get(API_PATHS.leaderboard, LeaderboardSchema, { window }),

    openAlerts: (scope: RoomName) => http.get(API_PATHS.alerts, AlertListSchema, { status: 'open', scope }),
    alertAction: (id: string, action: AlertAction, note?: string) =>
      http.post(API_PATHS.alertAction(id, action), AlertSummarySchema, note ? { note } : {}),

    violations: (q: { scope?: RoomName; status?: string; since?: string; waybillNo?: string; limit?: number }) =>
      http.get(API_PATHS.violations, ViolationListSchema, q),
    appeal: (violationId: string, note: string) => http.post(API_PATHS.appeal(violationId), AppealSummarySchema, { note }),
    pendingAppeals: (scope: RoomName) => http.get(API_PATHS.appeals, AppealListSchema, { status: 'pending', scope }),
    decideAppeal: (appealId: string, decision: AppealDecision, reason: string) =>
      http.post(API_PATHS.appealDecision(appealId), AppealSummarySchema, { decision, reason }),

    openComplaints: (scope: RoomName) => http.get(API_PATHS.complaints, ComplaintListSchema, { status: 'open', scope }),
    trace: (waybillNo: string) => http.get(API_PATHS.trace(waybillNo), WaybillTraceSchema),
    myViolations: () => http.get(API_PATHS.myViolations, ViolationListSchema),
    evidence: (uri: string) => http.blob(uri),
  };
}

export type KanjianApi = ReturnType<typeof createKanjianApi>;
