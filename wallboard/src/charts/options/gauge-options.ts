import type { EChartsCoreOption } from 'echarts/core';
import { PALETTE } from './palette';

export interface ComplianceGaugeInput {
  /** 0..1, or null before the first parcel of the day. */
  value: number | null;
  /** 0..1; the floor's target (drawn as the boundary between amber and green). */
  target: number | null;
  scale: number;
}

/** The lower end of the dial: compliance lives in the high 90s, so 0–100 would pin the needle. */
export const GAUGE_MIN = 0.9;

/**
 * 今日规范操作率 as a big gauge. The number itself is drawn by the screen in HTML (readable at any size and
 * by tests); the dial shows where it sits against the target.
 */
export function complianceGaugeOption({ value, target, scale }: ComplianceGaugeInput): EChartsCoreOption {
  const t = target ?? 0.99;
  const toDial = (r: number) => Math.min(1, Math.max(0, (r - GAUGE_MIN) / (1 - GAUGE_MIN)));
  const shown = value === null ? GAUGE_MIN : Math.max(GAUGE_MIN, Math.min(1, value));
  return {
    animation: true,
    animationDurationUpdate: 600,
    series: [
      {
        id: 'compliance',
        type: 'gauge',
        min: GAUGE_MIN * 100,
        max: 100,
        startAngle: 215,
        endAngle: -35,
        radius: '92%',
        center: ['50%', '56%'],
        splitNumber: 5,
        progress: { show: true, width: 22 * scale, itemStyle: { color: value !== null && value >= t ? PALETTE.ok : PALETTE.warn } },
        axisLine: {
          lineStyle: {
            width: 22 * scale,
            color: [
              [toDial(t - 0.02), PALETTE.danger],
              [toDial(t), PALETTE.warn],
              [1, PALETTE.ok],
            ].map(([stop, color]) => [stop, `${color}55`]),
          },
        },
        // No needle: the progress arc shows where the value sits; the number itself is HTML at the centre.
        pointer: { show: false },
        anchor: { show: false },
        axisTick: { distance: -22 * scale, length: 6 * scale, lineStyle: { color: PALETTE.ground, width: 1.5 * scale } },
        splitLine: { distance: -22 * scale, length: 22 * scale, lineStyle: { color: PALETTE.ground, width: 3 * scale } },
        axisLabel: { distance: 30 * scale, color: PALETTE.muted, fontSize: 14 * scale, formatter: (v: number) => `${v.toFixed(0)}%` },
        title: { show: false },
        detail: { show: false },
        data: [{ value: +(shown * 100).toFixed(3), name: 'compliance' }],
      },
    ],
  };
}
