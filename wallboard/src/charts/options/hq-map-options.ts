import type { EChartsCoreOption } from 'echarts/core';
import { CHINA_MAP } from '../echarts-setup';
import { PALETTE } from './palette';

export type RouteStatus = 'on_time' | 'late' | 'incident';

export const ROUTE_COLORS: Record<RouteStatus, string> = { on_time: PALETTE.ok, late: PALETTE.warn, incident: PALETTE.danger };

export interface HubPoint {
  id: string;
  name: string;
  lon: number;
  lat: number;
}

export interface RouteLine {
  id: string;
  /** [lon, lat] pairs, as the geo coordinate system reads them. */
  coords: Array<[number, number]>;
  status: RouteStatus;
}

export interface HotspotPoint {
  id: string;
  lon: number;
  lat: number;
  kind: 'cold' | 'incident';
  label: string;
}

/**
 * The HQ map's skeleton: China as a geo component and five series with stable ids, so live updates can
 * address one series each (`vehicles` every second, the others when alerts or the network change).
 * The vehicles series is a `large` scatter reading a flat Float32Array [lon, lat, …]: one path, no
 * per-point element, no animation.
 */
export function hqMapBaseOption(scale: number): EChartsCoreOption {
  return {
    backgroundColor: 'transparent',
    animation: false,
    geo: {
      map: CHINA_MAP,
      roam: false,
      silent: true,
      layoutCenter: ['50%', '54%'],
      layoutSize: '118%',
      aspectScale: 0.78,
      itemStyle: { areaColor: PALETTE.land, borderColor: PALETTE.border, borderWidth: 1 * scale },
      label: { show: false },
      emphasis: { disabled: true },
    },
    series: [
      {
        id: 'routes',
        type: 'lines',
        coordinateSystem: 'geo',
        polyline: true,
        silent: true,
        animation: false,
        lineStyle: { width: 1.4 * scale, opacity: 0.75, curveness: 0 },
        data: [],
      },
      {
        id: 'hubs',
        type: 'scatter',
        coordinateSystem: 'geo',
        symbol: 'diamond',
        symbolSize: 9 * scale,
        animation: false,
        itemStyle: { color: PALETTE.hub },
        label: {
          show: true,
          position: 'right',
          formatter: '{b}',
          color: PALETTE.text,
          fontSize: 11 * scale,
        },
        data: [],
      },
      {
        id: 'vehicles',
        type: 'scatter',
        // Own canvas layers: a vehicles update repaints only this layer, and the hotspots' ripple (which
        // animates every frame) never repaints 20,000 points.
        zlevel: 1,
        coordinateSystem: 'geo',
        large: true,
        largeThreshold: 500,
        symbolSize: 2.2 * scale,
        silent: true,
        animation: false,
        progressive: 0,
        dimensions: ['lng', 'lat'],
        itemStyle: { color: PALETTE.vehicle, opacity: 0.85 },
        data: new Float32Array(0),
      },
      {
        id: 'hotspots',
        type: 'effectScatter',
        zlevel: 2,
        coordinateSystem: 'geo',
        symbolSize: 10 * scale,
        rippleEffect: { scale: 3, brushType: 'stroke', period: 3 },
        animation: false,
        label: { show: true, position: 'top', formatter: '{b}', color: PALETTE.text, fontSize: 11 * scale },
        data: [],
      },
    ],
  };
}

export function vehiclesUpdate(pairs: Float32Array): EChartsCoreOption {
  return { series: [{ id: 'vehicles', data: pairs }] };
}

export function hubsUpdate(hubs: readonly HubPoint[]): EChartsCoreOption {
  return { series: [{ id: 'hubs', data: hubs.map((h) => ({ name: h.name, value: [h.lon, h.lat] })) }] };
}

export function routesUpdate(routes: readonly RouteLine[]): EChartsCoreOption {
  // Incidents drawn last so they sit on top of the routes they share a corridor with.
  const order: Record<RouteStatus, number> = { on_time: 0, late: 1, incident: 2 };
  const sorted = routes.slice().sort((a, b) => order[a.status] - order[b.status]);
  return {
    series: [
      {
        id: 'routes',
        data: sorted.map((r) => ({
          name: r.id,
          coords: r.coords,
          lineStyle: { color: ROUTE_COLORS[r.status], width: r.status === 'on_time' ? undefined : 2.4, opacity: r.status === 'on_time' ? 0.45 : 0.95 },
        })),
      },
    ],
  };
}

export function hotspotsUpdate(points: readonly HotspotPoint[]): EChartsCoreOption {
  return {
    series: [
      {
        id: 'hotspots',
        data: points.map((p) => ({
          name: p.label,
          value: [p.lon, p.lat],
          itemStyle: { color: p.kind === 'cold' ? PALETTE.cold : PALETTE.danger },
        })),
      },
    ],
  };
}
