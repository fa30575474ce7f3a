import type { RollupSum } from './kpis.repository';

/** KPI keys answered for every unit; the aliases keep both the plan's names and the screens' names. */
export const KPI_KEYS = [
  'compliance_rate',
  'parcels',
  'parcels_handled',
  'violations',
  'violation_count',
  'on_time_departure_rate',
  'coldchain_excursion_min',
  'cold_chain_excursion_min',
  'complaint_rate_per_10k',
  'first_response_min',
  'resolution_h',
  'exception_handling_h',
  'csat',
  'coverage',
  'rating_coverage',
  'incident_notify_latency_s',
  'insurance_offer_rate',
] as const;

/** Targets stored under the plan's key also apply to their aliases. */
export const TARGET_ALIAS: Record<string, string> = {
  parcels_handled: 'parcels',
  violation_count: 'violations',
  cold_chain_excursion_min: 'coldchain_excursion_min',
};

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

/** Turns summed rollup counters into KPI values (null where the denominator is empty). */
export function kpiValues(sums: Pick<RollupSum, 'key' | 'num' | 'den'>[]): Record<string, number | null> {
  const s = new Map(sums.map((x) => [x.key, x]));
  const num = (k: string) => s.get(k)?.num ?? 0;
  const den = (k: string) => s.get(k)?.den ?? 0;
  const parcels = num('parcels');
  const violations = num('violations');
  const deliveries = num('deliveries');
  const v: Record<string, number | null> = {
    compliance_rate: parcels > 0 ? Math.max(0, 1 - violations / parcels) : null,
    parcels,
    violations,
    on_time_departure_rate: ratio(num('departures'), den('departures')),
    coldchain_excursion_min: num('excursion_min'),
    complaint_rate_per_10k: parcels > 0 ? (num('complaints') / parcels) * 10_000 : null,
    first_response_min: ratio(num('first_response'), den('first_response')),
    resolution_h: ratio(num('resolution'), den('resolution')),
    exception_handling_h: ratio(num('exception_handling'), den('exception_handling')),
    csat: den('csat') > 0 ? (100 * num('csat')) / den('csat') : null,
    coverage: ratio(num('coverage'), den('coverage')),
    rating_coverage: deliveries > 0 ? Math.min(1, den('csat') / deliveries) : null,
    incident_notify_latency_s: ratio(num('incident_latency'), den('incident_latency')),
    insurance_offer_rate: ratio(num('insurance'), den('insurance')),
  };
  v.parcels_handled = v.parcels!;
  v.violation_count = v.violations!;
  v.cold_chain_excursion_min = v.coldchain_excursion_min!;
  return v;
}

/** A target: the stored one, or the plan's reduction against the stored baseline (complaints −40 %, exceptions −50 %). */
export function targetOf(key: string, rows: Map<string, { target: number | null; baseline: number | null }>): number | null {
  const t = rows.get(TARGET_ALIAS[key] ?? key);
  if (!t) return null;
  if (t.target !== null) return t.target;
  if (t.baseline === null) return null;
  if (key === 'complaint_rate_per_10k') return t.baseline * 0.6;
  if (key === 'exception_handling_h') return t.baseline * 0.5;
  return null;
}
