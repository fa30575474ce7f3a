import type { EChartsCoreOption } from 'echarts/core';
import { PALETTE } from './palette';

export interface HourPoint {
  /** Start of the hour, ms. */
  at: number;
  parcels: number | null;
  /** 0..1 */
  compliance: number | null;
}

export interface FloorTrendInput {
  hours: readonly HourPoint[];
  target: number | null;
  scale: number;
  labels: { parcels: string; compliance: string; target: string };
  formatHour: (ms: number) => string;
}

/** The floor's hourly trend: parcels per hour (bars) and compliance (line) against the target (dashed). */
export function floorTrendOption({ hours, target, scale, labels, formatHour }: FloorTrendInput): EChartsCoreOption {
  const font = 13 * scale;
  const compliance = hours.map((h) => (h.compliance === null ? null : +(h.compliance * 100).toFixed(2)));
  const lows = compliance.filter((v): v is number => v !== null);
  const yMin = Math.max(0, Math.floor(Math.min(target !== null ? target * 100 : 99, ...lows, 99) - 1));
  return {
    animation: false,
    grid: { left: 56 * scale, right: 64 * scale, top: 36 * scale, bottom: 32 * scale },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: hours.map((h) => formatHour(h.at)),
      axisLabel: { color: PALETTE.muted, fontSize: font },
      axisLine: { lineStyle: { color: PALETTE.border } },
    },
    yAxis: [
      {
        type: 'value',
        name: labels.parcels,
        nameTextStyle: { color: PALETTE.muted, fontSize: font },
        axisLabel: { color: PALETTE.muted, fontSize: font },
        splitLine: { lineStyle: { color: `${PALETTE.border}55` } },
      },
      {
        type: 'value',
        name: labels.compliance,
        min: yMin,
        max: 100,
        nameTextStyle: { color: PALETTE.muted, fontSize: font },
        axisLabel: { color: PALETTE.muted, fontSize: font, formatter: '{value}%' },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        id: 'parcels',
        type: 'bar',
        name: labels.parcels,
        data: hours.map((h) => h.parcels),
        itemStyle: { color: `${PALETTE.accent}88` },
        barMaxWidth: 28 * scale,
      },
      {
        id: 'compliance',
        type: 'line',
        name: labels.compliance,
        yAxisIndex: 1,
        data: compliance,
        connectNulls: false,
        symbolSize: 6 * scale,
        lineStyle: { width: 3 * scale, color: PALETTE.ok },
        itemStyle: { color: PALETTE.ok },
        markLine:
          target === null
            ? undefined
            : {
                silent: true,
                symbol: 'none',
                lineStyle: { type: 'dashed', color: PALETTE.warn, width: 2 * scale },
                label: { position: 'insideStartBottom', formatter: `${labels.target} ${(target * 100).toFixed(1)}%`, color: PALETTE.warn, fontSize: font },
                data: [{ yAxis: +(target * 100).toFixed(2) }],
              },
      },
    ],
  };
}

export interface SparklineInput {
  points: ReadonlyArray<readonly [number, number]>;
  target: number | null;
  /** Whether higher is better (CSAT) or lower (complaint rate): picks the line colour against the target. */
  higherIsBetter: boolean;
  scale: number;
}

/** A KPI tile's trend: the values over time and the target as a dashed line, no axes. */
export function sparklineOption({ points, target, higherIsBetter, scale }: SparklineInput): EChartsCoreOption {
  const last = points.length ? points[points.length - 1][1] : null;
  const onTarget = last === null || target === null || (higherIsBetter ? last >= target : last <= target);
  const values = points.map((p) => p[1]);
  if (target !== null) values.push(target);
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.05 || 1;
  return {
    animation: false,
    grid: { left: 2, right: 2, top: 4 * scale, bottom: 4 * scale },
    xAxis: { type: 'time', show: false },
    yAxis: { type: 'value', show: false, min: lo - pad, max: hi + pad },
    series: [
      {
        id: 'trend',
        type: 'line',
        showSymbol: false,
        data: points.map((p) => [p[0], p[1]]),
        lineStyle: { width: 2 * scale, color: onTarget ? PALETTE.ok : PALETTE.danger },
        areaStyle: { color: onTarget ? `${PALETTE.ok}22` : `${PALETTE.danger}22` },
        markLine:
          target === null
            ? undefined
            : { silent: true, symbol: 'none', label: { show: false }, lineStyle: { type: 'dashed', color: PALETTE.warn, width: 1.5 * scale }, data: [{ yAxis: target }] },
      },
    ],
  };
}
