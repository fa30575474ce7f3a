import { parseIngestEvent, type Network } from '@kanjian/shared';
import { cumulative, Feeder, pointAlong } from './feeder';

const net: Network = {
  regions: [{ id: 'R1', name: '华东', nameEn: 'East' }],
  sites: [],
  floors: [{ id: 'F1', siteId: 'S1', name: 'F1', dailyCapacity: 1 }],
  cameras: [],
  vehicles: [
    { id: 'V1', plate: 'A', homeSiteId: 'S1', regionId: 'R1', coldProfile: 'chilled', terminalPhone: null },
    { id: 'V2', plate: 'B', homeSiteId: 'S1', regionId: 'R1', coldProfile: 'none', terminalPhone: null },
  ],
  routes: [{ id: 'RT', originSiteId: 'S1', destSiteId: 'S2', distanceKm: 10, path: [[30, 120], [30, 121], [31, 121]] }],
  trips: [
    { id: 'T1', routeId: 'RT', vehicleId: 'V1', scheduledDeparture: '2025-01-01T00:00:00Z', scheduledArrival: '2025-01-01T02:00:00Z' },
    { id: 'T2', routeId: 'RT', vehicleId: 'V2', scheduledDeparture: '2025-01-01T00:00:00Z', scheduledArrival: '2025-01-01T02:00:00Z' },
    { id: 'T3', routeId: 'RT', vehicleId: 'V1', scheduledDeparture: '2025-01-01T03:00:00Z', scheduledArrival: '2025-01-01T05:00:00Z' },
  ],
  teams: [],
  people: [],
};

describe('feeder', () => {
  it('moves evenly along a polyline', () => {
    const path: Array<[number, number]> = [[0, 0], [0, 1], [1, 1]];
    const cum = cumulative(path);
    expect(cum).toEqual([0, 1, 2]);
    expect(pointAlong(path, cum, 0)).toEqual([0, 0]);
    expect(pointAlong(path, cum, 0.25)).toEqual([0, 0.5]);
    expect(pointAlong(path, cum, 0.75)).toEqual([0.5, 1]);
    expect(pointAlong(path, cum, 2)).toEqual([1, 1]);
  });

  it('moves each vehicle with a trip once, and writes positions the hub accepts', () => {
    const f = new Feeder(() => 'http://x', 't', net, { vehicles: 10, floorId: 'F1' });
    expect(f.movingVehicleIds).toEqual(['V1', 'V2']);
    f.setTemperature('V1', 12);
    const events = f.positions(Date.now());
    for (const body of events) {
      const r = parseIngestEvent({ id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', at: new Date().toISOString(), v: 1, ...body });
      expect(r.ok).toBe(true);
    }
    expect(events.find((e) => e.type === 'vehicle.position' && e.vehicleId === 'V1')).toMatchObject({ tempC: 12 });
    expect(events.find((e) => e.type === 'vehicle.position' && e.vehicleId === 'V2')).not.toHaveProperty('tempC');
  });
});
