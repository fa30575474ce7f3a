import type { MessageKey } from '../i18n/messages';

export type KpiFormat = 'ratio' | 'per10k' | 'minutes' | 'hours' | 'score' | 'count' | 'seconds';

export interface KpiDef {
  key: string;
  label: MessageKey;
  format: KpiFormat;
  higherIsBetter: boolean;
  /** The plan's headline targets, shown when the hub sends none. */
  defaultTarget?: number;
}

/**
 * The KPI keys the screens show, as the hub is expected to name them (`KpiValue.key`). Ratios are 0..1;
 * CSAT is in points 0..100 (the plan's 82 → 90).
 */
export const KPI_DEFS: Record<string, KpiDef> = {
  camera_online_rate: { key: 'camera_online_rate', label: 'kpi.camera_online_rate', format: 'ratio', higherIsBetter: true },
  coverage: { key: 'coverage', label: 'kpi.coverage', format: 'ratio', higherIsBetter: true },
  rating_coverage: { key: 'rating_coverage', label: 'kpi.rating_coverage', format: 'ratio', higherIsBetter: true },
  complaint_rate_per_10k: { key: 'complaint_rate_per_10k', label: 'kpi.complaint_rate_per_10k', format: 'per10k', higherIsBetter: false },
  exception_handling_h: { key: 'exception_handling_h', label: 'kpi.exception_handling_h', format: 'hours', higherIsBetter: false },
  csat: { key: 'csat', label: 'kpi.csat', format: 'score', higherIsBetter: true, defaultTarget: 90 },
  on_time_departure_rate: { key: 'on_time_departure_rate', label: 'kpi.on_time_departure_rate', format: 'ratio', higherIsBetter: true },
  cold_chain_excursion_min: { key: 'cold_chain_excursion_min', label: 'kpi.cold_chain_excursion_min', format: 'minutes', higherIsBetter: false },
  incident_notify_latency_s: { key: 'incident_notify_latency_s', label: 'kpi.incident_notify_latency_s', format: 'seconds', higherIsBetter: false },
  first_response_min: { key: 'first_response_min', label: 'kpi.first_response_min', format: 'minutes', higherIsBetter: false },
  resolution_h: { key: 'resolution_h', label: 'kpi.resolution_h', format: 'hours', higherIsBetter: false },
  compliance_rate: { key: 'compliance_rate', label: 'kpi.compliance_rate', format: 'ratio', higherIsBetter: true, defaultTarget: 0.999 },
  parcels_handled: { key: 'parcels_handled', label: 'kpi.parcels_handled', format: 'count', higherIsBetter: true },
  violation_count: { key: 'violation_count', label: 'kpi.violation_count', format: 'count', higherIsBetter: false },
};

/** 三全三降: three "全" (no blind spot, every stage traceable, every touchpoint rated), three "降" targets. */
export const SANQUAN_SANJIANG_KEYS = [
  'camera_online_rate',
  'coverage',
  'rating_coverage',
  'complaint_rate_per_10k',
  'exception_handling_h',
  'csat',
] as const;

/** Line-haul tiles under the headline six on the HQ wall. */
export const LINEHAUL_KEYS = ['on_time_departure_rate', 'cold_chain_excursion_min', 'incident_notify_latency_s', 'first_response_min'] as const;

/** CSAT arrives in points; a hub that sends the 0..1 share of 4–5 star ratings is read the same way. */
export function normaliseKpi(def: KpiDef, value: number | null): number | null {
  if (value === null) return null;
  if (def.format === 'score' && value <= 1) return value * 100;
  return value;
}

export function isOnTarget(def: KpiDef, value: number | null, target: number | null): boolean | null {
  if (value === null || target === null) return null;
  return def.higherIsBetter ? value >= target : value <= target;
}
