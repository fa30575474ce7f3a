import { formatNumber, formatPercent, t } from '../i18n/use-i18n';
import type { KpiDef } from './kpi-catalogue';

/** A KPI value as the tiles show it, with its unit, in the current locale. */
export function formatKpi(def: KpiDef, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return t('kpi.noValue');
  switch (def.format) {
    case 'ratio':
      return formatPercent(value, def.key === 'compliance_rate' ? 2 : 1);
    case 'per10k':
      return `${formatNumber(value, 2)} ${t('unit.per10k')}`;
    case 'minutes':
      return `${formatNumber(value, 1)} ${t('unit.minutes')}`;
    case 'hours':
      return `${formatNumber(value, 1)} ${t('unit.hours')}`;
    case 'seconds':
      return `${formatNumber(value, 0)} ${t('unit.seconds')}`;
    case 'score':
      return `${formatNumber(value, 1)} ${t('unit.score')}`;
    case 'count':
      return formatNumber(value, 0);
  }
}
