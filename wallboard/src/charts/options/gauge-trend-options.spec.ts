// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { count, renderOptions } from '../../test/render-option';
import { complianceGaugeOption, GAUGE_MIN } from './gauge-options';
import { PALETTE } from './palette';
import { floorTrendOption, sparklineOption } from './trend-options';

const lower = (s: string) => s.toLowerCase();

describe('compliance gauge rendered by ECharts', () => {
  it('draws the dial from 90% to 100% with the progress in green when on target', () => {
    const svg = renderOptions([complianceGaugeOption({ value: 0.9995, target: 0.999, scale: 1 })], 800, 600);
    expect(svg).toContain('90%');
    expect(svg).toContain('100%');
    expect(lower(svg)).toContain(lower(PALETTE.ok));
  });

  it('turns the progress amber below target and shows no progress before the first parcel', () => {
    const below = renderOptions([complianceGaugeOption({ value: 0.995, target: 0.999, scale: 1 })], 800, 600);
    expect(lower(below)).toContain(lower(PALETTE.warn));
    const none = complianceGaugeOption({ value: null, target: 0.999, scale: 1 }) as { series: Array<{ data: Array<{ value: number }> }> };
    expect(none.series[0].data[0].value).toBe(GAUGE_MIN * 100);
  });

  it('clamps values below the dial instead of drawing past its end', () => {
    const opt = complianceGaugeOption({ value: 0.5, target: 0.999, scale: 1 }) as { series: Array<{ data: Array<{ value: number }> }> };
    expect(opt.series[0].data[0].value).toBe(90);
  });
});

describe('floor hourly trend rendered by ECharts', () => {
  const hours = [0, 1, 2, 3].map((h) => ({ at: h * 3_600_000, parcels: h === 2 ? null : 1000 + h * 100, compliance: h === 2 ? null : 0.998 + h * 0.0005 }));
  const labels = { parcels: '件量', compliance: '规范率', target: '目标' };

  it('draws a bar per hour with parcels, the compliance line and the target line with its label', () => {
    const svg = renderOptions([floorTrendOption({ hours, target: 0.999, scale: 1, labels, formatHour: (ms) => `${ms / 3_600_000}:00` })], 900, 300);
    expect(svg).toContain('3:00');
    expect(svg).toContain('目标 99.9%');
    expect(svg).toContain('件量');
    // Three hours with parcels → three bars (the hour without data draws none).
    expect(count(svg, /fill="#27d7ff88"/g)).toBe(3);
  });
});

describe('KPI sparkline rendered by ECharts', () => {
  const pts: Array<[number, number]> = [
    [0, 2.5],
    [1, 2.2],
    [2, 1.9],
  ];
  it('is green when the latest value meets the target (lower is better) and red when not', () => {
    const ok = renderOptions([sparklineOption({ points: pts, target: 2, higherIsBetter: false, scale: 1 })], 200, 60);
    expect(lower(ok)).toContain(lower(PALETTE.ok));
    const bad = renderOptions([sparklineOption({ points: pts, target: 2, higherIsBetter: true, scale: 1 })], 200, 60);
    expect(lower(bad)).toContain(lower(PALETTE.danger));
  });

  it('draws the target as a dashed line even without history', () => {
    const svg = renderOptions([sparklineOption({ points: [], target: 90, higherIsBetter: true, scale: 1 })], 200, 60);
    expect(svg).toContain('stroke-dasharray');
  });
});
