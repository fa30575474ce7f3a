// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { count, renderOptions } from '../../test/render-option';
import { hotspotsUpdate, hqMapBaseOption, hubsUpdate, routesUpdate, ROUTE_COLORS, vehiclesUpdate } from './hq-map-options';

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

  it('renders 20,000 vehicles from a flat Float32Array as one large-mode path, not 20,000 elements', () => {
    const base = renderOptions([hqMapBaseOption(1)]);
    const withVehicles = renderOptions([hqMapBaseOption(1), vehiclesUpdate(pairs(20_000))]);
    const added = count(withVehicles, '<path') - count(base, '<path');
    expect(added).toBeGreaterThanOrEqual(1);
    expect(added).toBeLessThan(10);
    expect(withVehicles.length).toBeGreaterThan(base.length + 20_000 * 4);
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

  it('marks cold-chain excursions and incidents with labels', () => {
    const svg = renderOptions([
      hqMapBaseOption(1),
      hotspotsUpdate([
        { id: 'v1', lon: 116.4, lat: 39.9, kind: 'cold', label: '京A12345 9.5°C' },
        { id: 'v2', lon: 113.2, lat: 23.1, kind: 'incident', label: '粤B00001 爆胎' },
      ]),
    ]);
    expect(svg).toContain('京A12345 9.5°C');
    expect(svg).toContain('粤B00001 爆胎');
  });
});
