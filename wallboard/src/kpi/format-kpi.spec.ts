import { afterEach, describe, expect, it } from 'vitest';
import { formatKpi } from './format-kpi';
import { isOnTarget, KPI_DEFS, normaliseKpi } from './kpi-catalogue';
import { setLocale } from '../i18n/use-i18n';
import { en, zhCN } from '../i18n/messages';

describe('KPI formatting and targets', () => {
  afterEach(() => setLocale('zh-CN'));

  it('formats each kind of KPI with its unit in both languages', () => {
    setLocale('zh-CN');
    expect(formatKpi(KPI_DEFS.compliance_rate, 0.99874)).toBe('99.87%');
    expect(formatKpi(KPI_DEFS.complaint_rate_per_10k, 1.234)).toBe('1.23 件/万件');
    expect(formatKpi(KPI_DEFS.parcels_handled, 12345)).toBe('12,345');
    expect(formatKpi(KPI_DEFS.csat, null)).toBe('—');
    setLocale('en');
    expect(formatKpi(KPI_DEFS.first_response_min, 12.34)).toBe('12.3 min');
  });

  it('reads CSAT in points even when a hub sends the 0..1 share', () => {
    expect(normaliseKpi(KPI_DEFS.csat, 0.872)).toBeCloseTo(87.2, 6);
    expect(normaliseKpi(KPI_DEFS.csat, 87.2)).toBe(87.2);
  });

  it('judges on-target by direction: higher for rates and CSAT, lower for complaints and times', () => {
    expect(isOnTarget(KPI_DEFS.csat, 91, 90)).toBe(true);
    expect(isOnTarget(KPI_DEFS.complaint_rate_per_10k, 2.1, 1.8)).toBe(false);
    expect(isOnTarget(KPI_DEFS.exception_handling_h, 4, 5)).toBe(true);
    expect(isOnTarget(KPI_DEFS.csat, null, 90)).toBeNull();
  });

  it('has every message in English that it has in Chinese, none empty', () => {
    for (const key of Object.keys(zhCN) as Array<keyof typeof zhCN>) {
      expect(en[key], key).toBeTruthy();
    }
  });
});
