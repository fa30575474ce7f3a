import { describe, expect, it } from 'vitest';
import { hotspots, isExcursion, routeLines, routeOfAlert } from './map-overlays';
import { alert } from '../../test/fixtures';
import { smallIndex } from '../../test/network-fixture';
import { VehicleStore } from '../../realtime/vehicle-store';

const net = smallIndex();
const at = (iso: string) => Date.parse(iso);

describe('route status from open alerts', () => {
  it('finds the route of a vehicle from the trip it is on now', () => {
    const a = alert('a', { subjectKind: 'vehicle', subjectId: 'V1' });
    expect(routeOfAlert(a, net, at('2025-03-01T12:00:00+08:00'))).toBe('R-SH-GZ');
    expect(routeOfAlert(a, net, at('2025-03-01T22:00:00+08:00'))).toBe('R-SH-HZ');
    expect(routeOfAlert(alert('b', { subjectKind: 'trip', subjectId: 'T3' }), net, 0)).toBe('R-GZ-SZ');
    expect(routeOfAlert(alert('c', { subjectKind: 'camera', subjectId: 'C1' }), net, 0)).toBeNull();
  });

  it('colours a route late for T1/T2/T3/T6 and incident for T4, incident winning', () => {
    const now = at('2025-03-01T12:00:00+08:00');
    const lines = routeLines(
      [
        alert('late', { ruleId: 'T6', subjectKind: 'vehicle', subjectId: 'V1' }),
        alert('inc', { ruleId: 'T4', subjectKind: 'vehicle', subjectId: 'V1' }),
        alert('late2', { ruleId: 'T1', subjectKind: 'trip', subjectId: 'T3' }),
        alert('cold', { ruleId: 'T5', subjectKind: 'route', subjectId: 'R-SH-HZ' }),
      ],
      net,
      now,
    );
    const status = Object.fromEntries(lines.map((l) => [l.id, l.status]));
    expect(status).toEqual({ 'R-SH-GZ': 'incident', 'R-GZ-SZ': 'late', 'R-SH-HZ': 'on_time' });
  });

  it('ignores resolved alerts and gives the map [lon, lat] pairs', () => {
    const lines = routeLines([alert('x', { ruleId: 'T4', subjectKind: 'route', subjectId: 'R-SH-HZ', status: 'resolved' })], net, 0);
    const hz = lines.find((l) => l.id === 'R-SH-HZ')!;
    expect(hz.status).toBe('on_time');
    expect(hz.coords[0]).toEqual([121.5, 31.2]);
  });
});

describe('cold-chain excursions and incidents on the map', () => {
  it('judges temperature against the cargo profile', () => {
    expect(isExcursion('chilled', 4)).toBe(false);
    expect(isExcursion('chilled', 9)).toBe(true);
    expect(isExcursion('chilled', -1)).toBe(true);
    expect(isExcursion('frozen', -18)).toBe(false);
    expect(isExcursion('frozen', -12)).toBe(true);
    expect(isExcursion('none', 40)).toBe(false);
    expect(isExcursion('pharma', Number.NaN)).toBe(false);
  });

  it('marks reefers out of range and vehicles with an open incident, at their latest position', () => {
    const store = new VehicleStore();
    store.upsert([
      ['V1', 30, 120, 60, 0, 1, null],
      ['V2', 31, 121, 60, 0, 1, 11.5],
      ['V3', 23, 113, 60, 0, 1, -19],
    ]);
    const spots = hotspots(store, [alert('i', { ruleId: 'T4', subjectKind: 'vehicle', subjectId: 'V1', title: 'T4 途中突发 tyre_blowout' })], net);
    const byId = Object.fromEntries(spots.map((s) => [s.id, s]));
    expect(Object.keys(byId).sort()).toEqual(['V1', 'V2']);
    expect(byId.V2.kind).toBe('cold');
    expect(byId.V2.label).toBe('沪A00002 11.5°C');
    expect(byId.V1.kind).toBe('incident');
    expect(byId.V1.label).toBe('沪A00001 途中突发事件');
    expect([byId.V1.lon, byId.V1.lat]).toEqual([120, 30]);
  });
});
