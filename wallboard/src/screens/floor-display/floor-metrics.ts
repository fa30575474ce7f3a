import type { ViolationSummaryV1 } from '@kanjian/shared';
import type { HourPoint } from '../../charts/options/trend-options';
import type { SeriesPoints } from '../../kpi/use-kpi-series';

function startOfDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Today's violations that still count (a dismissed appeal removes one from every KPI). */
export function violationsToday(list: readonly ViolationSummaryV1[], now: number): ViolationSummaryV1[] {
  const from = startOfDay(now);
  return list.filter((v) => v.status !== 'dismissed' && Date.parse(v.at) >= from);
}

/**
 * 零违规流动红旗: held while the floor has handled parcels today and has no violation that counts. The hub's
 * `violation_count` KPI is the authority; without it, the violations the room has sent today are.
 */
export function isRedFlag(violationKpi: number | null, violationsSeen: number, parcels: number | null): boolean {
  const violations = violationKpi ?? violationsSeen;
  return violations === 0 && (parcels ?? 0) > 0;
}

/** One point per hour from midnight to the current hour, filled from the hourly series. */
export function hourlyPoints(series: ReadonlyMap<string, SeriesPoints>, now: number): HourPoint[] {
  const from = startOfDay(now);
  const hours = Math.floor((now - from) / 3_600_000) + 1;
  const byHour = (key: string) => {
    const m = new Map<number, number>();
    for (const [at, v] of series.get(key) ?? []) m.set(Math.floor((at - from) / 3_600_000), v);
    return m;
  };
  const parcels = byHour('parcels_handled');
  const compliance = byHour('compliance_rate');
  const out: HourPoint[] = [];
  for (let h = 0; h < hours; h++) {
    out.push({ at: from + h * 3_600_000, parcels: parcels.get(h) ?? null, compliance: compliance.get(h) ?? null });
  }
  return out;
}
