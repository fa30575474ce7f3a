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
 * The HQ map is two ECharts instances stacked over one another with the same geo layout (so the same
 * projection): the base (China, routes coloured by status, hubs), which changes when alerts or the network
 * do, and the vehicles layer, which changes every second. ECharts re-lays out and repaints every series of an
 * instance on any update; split this way, a positions frame never re-projects the ~22,000 route points nor
 * repaints the provinces. Nothing animates continuously on either: a ripple (effectScatter) makes ECharts
 * repaint every frame, which cost most of a core in Chromium without a GPU; the pulsing hotspots are HTML over
 * the charts instead (hotspot-overlay.vue).
 */
const GEO_LAYOUT = {
  map: CHINA_MAP,
  roam: false,
  silent: true,
  layoutCenter: ['50%', '54%'],
  layoutSize: '118%',
  aspectScale: 0.78,
} as const;

/** The base layer: the map, the routes and the hubs. */
export function hqMapBaseOption(scale: number): EChartsCoreOption {
  return {
    backgroundColor: 'transparent',
    animation: false,
    geo: {
      ...GEO_LAYOUT,
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
        lineStyle: { width: 1.2 * scale, opacity: 0.75, curveness: 0 },
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
        // Hubs crowd in the Yangtze and Pearl River deltas: drop labels that would overlap.
        labelLayout: { hideOverlap: true },
        label: {
          show: true,
          position: 'right',
          formatter: '{b}',
          color: PALETTE.text,
          fontSize: 11 * scale,
        },
        data: [],
      },
    ],
  };
}

/**
 * The vehicles layer: an invisible geo (coordinates only, nothing drawn) and one `large` scatter reading a
 * flat Float32Array [lon, lat, …]: one path for all vehicles, no per-point element, no animation.
 */
export function hqVehiclesOption(scale: number): EChartsCoreOption {
  return {
    backgroundColor: 'transparent',
    animation: false,
    geo: { ...GEO_LAYOUT, show: false },
    series: [
      {
        id: 'vehicles',
        type: 'scatter',
        coordinateSystem: 'geo',
        large: true,
        largeThreshold: 500,
        // Squares under 4 px are drawn with fillRect, ECharts' fast path (a 4-px circle is an arc per vehicle,
        // several times the cost at 20,000 vehicles); above it (4K) a square is still a cheaper path than a circle.
        symbol: 'rect',
        symbolSize: 3.9 * scale,
        silent: true,
        animation: false,
        progressive: 0,
        dimensions: ['lng', 'lat'],
        itemStyle: { color: PALETTE.vehicle, opacity: 0.95 },
        data: new Float32Array(0),
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

export function routesUpdate(routes: readonly RouteLine[], scale = 1): EChartsCoreOption {
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
          lineStyle: { color: ROUTE_COLORS[r.status], width: r.status === 'on_time' ? undefined : 3 * scale, opacity: r.status === 'on_time' ? 0.3 : 1 },
        })),
      },
    ],
  };
}
