// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { count, renderOptions } from '../../test/render-option';
import { PALETTE } from './palette';
import { hqMapBaseOption, hqVehiclesOption, hubsUpdate, routesUpdate, ROUTE_COLORS, vehiclesUpdate } from './hq-map-options';

function pairs(n: number): Float32Array {
  const a = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    a[i * 2] = 100 + (i % 200) * 0.1;
    a[i * 2 + 1] = 25 + Math.floor(i / 200) * 0.1;
  }
  return a;
}

describe('HQ map options rendered by ECharts', () => {
  it('draws the China map with its provinces', () => {
    const svg = renderOptions([hqMapBaseOption(1)]);
    // 34 provincial divisions, each at least one path.
    expect(count(svg, '<path')).toBeGreaterThanOrEqual(34);
  });

  it('draws 20,000 vehicles from a flat Float32Array as one large-mode path, and nothing of the map', () => {
    const empty = renderOptions([hqVehiclesOption(1)]);
    expect(count(empty, '<path')).toBe(0);
    const svg = renderOptions([hqVehiclesOption(1), vehiclesUpdate(pairs(20_000))]);
    expect(count(svg, '<path')).toBe(1);
    // One sub-path per vehicle inside that path.
    expect(count(svg, /M[0-9.-]+ [0-9.-]+/)).toBeGreaterThanOrEqual(20_000);
  });

  it('projects vehicles exactly where the base map puts the same coordinates', () => {
    const at: Array<[number, number]> = [
      [121.47, 31.23],
      [87.62, 43.83],
    ];
    // Below the large-mode threshold each point is its own symbol, translated to its projected position.
    const vehicles = renderOptions([hqVehiclesOption(1), vehiclesUpdate(new Float32Array(at.flat()))]);
    const hubs = renderOptions([hqMapBaseOption(1), hubsUpdate(at.map(([lon, lat], i) => ({ id: `H${i}`, name: `H${i}`, lon, lat })))]);
    const centres = (svg: string, fill: string) =>
      [...svg.matchAll(new RegExp(`matrix\\([^,]+,0,0,[^,]+,([0-9.]+),([0-9.]+)\\)" fill="${fill}"`, 'g'))].map((m) => [Number(m[1]), Number(m[2])]);
    const v = centres(vehicles, PALETTE.vehicle);
    const h = centres(hubs, '#ffd166');
    expect(v).toHaveLength(2);
    expect(h).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      expect(v[i][0]).toBeCloseTo(h[i][0], 2);
      expect(v[i][1]).toBeCloseTo(h[i][1], 2);
    }
    // And they are not all at one place: the projection really differs between Shanghai and Ürümqi.
    expect(Math.abs(v[0][0] - v[1][0])).toBeGreaterThan(300);
  });

  it('colours routes by status and labels hubs', () => {
    const svg = renderOptions([
      hqMapBaseOption(1),
      hubsUpdate([{ id: 'SH', name: '上海枢纽', lon: 121.47, lat: 31.23 }]),
      routesUpdate([
        { id: 'r1', status: 'on_time', coords: [[121.47, 31.23], [116.4, 39.9]] },
        { id: 'r2', status: 'incident', coords: [[121.47, 31.23], [113.26, 23.13]] },
        { id: 'r3', status: 'late', coords: [[116.4, 39.9], [104.06, 30.67]] },
      ]),
    ]);
    expect(svg).toContain('上海枢纽');
    for (const c of Object.values(ROUTE_COLORS)) expect(svg.toLowerCase()).toContain(c.toLowerCase());
  });
});
