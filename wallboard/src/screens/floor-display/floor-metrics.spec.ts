import { describe, expect, it } from 'vitest';
import { hourlyPoints, isRedFlag, violationsToday } from './floor-metrics';
import { violation } from '../../test/fixtures';

describe('floor metrics', () => {
  it('counts today’s violations that still count (not dismissed, not yesterday)', () => {
    const now = new Date(2025, 2, 1, 15, 0).getTime();
    const list = [
      violation('a', { at: new Date(2025, 2, 1, 9, 0).toISOString() }),
      violation('b', { at: new Date(2025, 2, 1, 10, 0).toISOString(), status: 'dismissed' }),
      violation('c', { at: new Date(2025, 1, 28, 23, 59).toISOString() }),
      violation('d', { at: new Date(2025, 2, 1, 14, 0).toISOString(), status: 'appealed' }),
    ];
    expect(violationsToday(list, now).map((v) => v.id)).toEqual(['a', 'd']);
  });

  it('holds the red flag with parcels handled and no violation; the hub’s count wins over what was seen', () => {
    expect(isRedFlag(0, 0, 1200)).toBe(true);
    expect(isRedFlag(null, 0, 1200)).toBe(true);
    expect(isRedFlag(0, 0, 0)).toBe(false);
    expect(isRedFlag(0, 0, null)).toBe(false);
    expect(isRedFlag(1, 0, 1200)).toBe(false);
    expect(isRedFlag(0, 3, 1200)).toBe(true);
    expect(isRedFlag(null, 1, 1200)).toBe(false);
  });

  it('lays out one point per hour since midnight, filled where the series has values', () => {
    const now = new Date(2025, 2, 1, 3, 30).getTime();
    const h = (hour: number) => new Date(2025, 2, 1, hour).getTime();
    const series = new Map([
      ['parcels_handled', [[h(1), 500] as [number, number], [h(3), 800] as [number, number]]],
      ['compliance_rate', [[h(1), 0.999] as [number, number]]],
    ]);
    const pts = hourlyPoints(series, now);
    expect(pts.map((p) => p.parcels)).toEqual([null, 500, null, 800]);
    expect(pts.map((p) => p.compliance)).toEqual([null, 0.999, null, null]);
    expect(pts[2].at).toBe(h(2));
  });
});
