import { NetworkSchema, type Network } from '@kanjian/shared';
import {
  buildReferenceNetwork,
  haversineKm,
  polylineKm,
  ROAD_FACTOR,
  serviceDayStartMs,
  TRUCK_SPEED_KMH,
  VEHICLES_PER_SCALE,
} from './reference-network';

const DAY = '2024-11-11';

describe('buildReferenceNetwork', () => {
  let net: Network;
  beforeAll(() => {
    net = buildReferenceNetwork({ seed: 42, day: DAY });
  });

  it('matches the shared NetworkSchema', () => {
    expect(() => NetworkSchema.parse(net)).not.toThrow();
  });

  it('is deterministic for a seed, scale and day', () => {
    const again = buildReferenceNetwork({ seed: 42, day: DAY });
    expect(JSON.stringify(again)).toBe(JSON.stringify(net));
  });

  it('differs for another seed but keeps the same ids for the geography', () => {
    const other = buildReferenceNetwork({ seed: 7, day: DAY });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(net));
    expect(other.routes.map((r) => r.id)).toEqual(net.routes.map((r) => r.id));
    expect(other.sites.filter((s) => s.kind === 'hub').map((s) => s.id)).toEqual(net.sites.filter((s) => s.kind === 'hub').map((s) => s.id));
  });

  it('has at least 30 hubs in named regions, each with stations, a locker, a 驿站 and 1–3 floors', () => {
    const hubs = net.sites.filter((s) => s.kind === 'hub');
    expect(hubs.length).toBeGreaterThanOrEqual(30);
    expect(new Set(hubs.map((h) => h.regionId)).size).toBeGreaterThanOrEqual(7);
    for (const h of hubs) {
      // Inside mainland China and Hainan.
      expect(h.lat).toBeGreaterThan(18);
      expect(h.lat).toBeLessThan(54);
      expect(h.lon).toBeGreaterThan(73);
      expect(h.lon).toBeLessThan(135);
      const children = net.sites.filter((s) => s.parentId === h.id);
      expect(children.filter((s) => s.kind === 'station').length).toBeGreaterThanOrEqual(3);
      expect(children.some((s) => s.kind === 'locker')).toBe(true);
      expect(children.some((s) => s.kind === 'post')).toBe(true);
      const floors = net.floors.filter((f) => f.siteId === h.id);
      expect(floors.length).toBeGreaterThanOrEqual(1);
      expect(floors.length).toBeLessThanOrEqual(3);
    }
    expect(hubs.map((h) => h.id)).toEqual(expect.arrayContaining(['HUB-BJS', 'HUB-SHA', 'HUB-CAN', 'HUB-SZX', 'HUB-HGH', 'HUB-CTU', 'HUB-WUH', 'HUB-XIY', 'HUB-CGO', 'HUB-SHE']));
  });

  it('has unique ids in every collection and unique plates', () => {
    const all = [net.regions, net.sites, net.floors, net.cameras, net.vehicles, net.routes, net.trips, net.teams, net.people];
    for (const list of all) {
      const ids = list.map((x) => x.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(new Set(net.vehicles.map((v) => v.plate)).size).toBe(net.vehicles.length);
  });

  it('resolves every foreign key', () => {
    const ids = <T extends { id: string }>(xs: T[]) => new Set(xs.map((x) => x.id));
    const regions = ids(net.regions);
    const sites = ids(net.sites);
    const floors = ids(net.floors);
    const vehicles = ids(net.vehicles);
    const routes = ids(net.routes);
    const teams = ids(net.teams);
    const people = ids(net.people);
    const hubs = new Set(net.sites.filter((s) => s.kind === 'hub').map((s) => s.id));
    for (const s of net.sites) {
      expect(regions.has(s.regionId)).toBe(true);
      if (s.kind === 'hub') expect(s.parentId).toBeNull();
      else expect(hubs.has(s.parentId ?? '')).toBe(true);
    }
    for (const f of net.floors) expect(hubs.has(f.siteId)).toBe(true);
    for (const c of net.cameras) expect(floors.has(c.floorId)).toBe(true);
    for (const v of net.vehicles) {
      expect(hubs.has(v.homeSiteId)).toBe(true);
      expect(regions.has(v.regionId)).toBe(true);
    }
    for (const r of net.routes) {
      expect(hubs.has(r.originSiteId)).toBe(true);
      expect(hubs.has(r.destSiteId)).toBe(true);
    }
    for (const t of net.trips) {
      expect(routes.has(t.routeId)).toBe(true);
      expect(vehicles.has(t.vehicleId)).toBe(true);
    }
    for (const t of net.teams) {
      expect(sites.has(t.siteId)).toBe(true);
      if (t.floorId !== null) expect(floors.has(t.floorId)).toBe(true);
      expect(people.has(t.leaderId ?? '')).toBe(true);
    }
    for (const p of net.people) {
      if (p.siteId !== null) expect(sites.has(p.siteId)).toBe(true);
      if (p.floorId !== null) expect(floors.has(p.floorId)).toBe(true);
      if (p.teamId !== null) expect(teams.has(p.teamId)).toBe(true);
    }
  });

  it('staffs every station with couriers and a manager, every floor with led teams of sorters, every region with a manager', () => {
    for (const st of net.sites.filter((s) => s.kind === 'station')) {
      const staff = net.people.filter((p) => p.siteId === st.id);
      expect(staff.filter((p) => p.role === 'courier').length).toBeGreaterThanOrEqual(6);
      expect(staff.some((p) => p.role === 'site_manager')).toBe(true);
    }
    for (const f of net.floors) {
      const teams = net.teams.filter((t) => t.floorId === f.id);
      expect(teams.length).toBeGreaterThanOrEqual(1);
      for (const t of teams) {
        const leader = net.people.find((p) => p.id === t.leaderId);
        expect(leader?.role).toBe('team_leader');
        expect(net.people.filter((p) => p.teamId === t.id && p.role === 'sorter').length).toBeGreaterThanOrEqual(8);
      }
    }
    for (const r of net.regions) expect(net.people.some((p) => p.role === 'region_manager' && p.id.includes(r.id))).toBe(true);
  });

  it('puts cameras about every 3 m along each floor line', () => {
    for (const f of net.floors) {
      const pos = net.cameras.filter((c) => c.floorId === f.id).map((c) => c.positionM).sort((a, b) => a - b);
      expect(pos.length).toBeGreaterThanOrEqual(10);
      for (let i = 1; i < pos.length; i++) {
        expect(pos[i] - pos[i - 1]).toBeGreaterThan(2);
        expect(pos[i] - pos[i - 1]).toBeLessThan(4);
      }
    }
  });

  it('draws each route as a road from its origin to its destination, 1.2–1.3 × the great-circle distance', () => {
    const site = new Map(net.sites.map((s) => [s.id, s]));
    expect(net.routes.length).toBeGreaterThanOrEqual(100);
    for (const r of net.routes) {
      const o = site.get(r.originSiteId)!;
      const d = site.get(r.destSiteId)!;
      expect(r.path[0]).toEqual([o.lat, o.lon]);
      expect(r.path[r.path.length - 1]).toEqual([d.lat, d.lon]);
      expect(r.path.length).toBeGreaterThanOrEqual(48);
      const gc = haversineKm([o.lat, o.lon], [d.lat, d.lon]);
      const ratio = r.distanceKm / gc;
      expect(ratio).toBeGreaterThanOrEqual(ROAD_FACTOR.min - 0.01);
      expect(ratio).toBeLessThanOrEqual(ROAD_FACTOR.max + 0.01);
      expect(Math.abs(polylineKm(r.path) - r.distanceKm)).toBeLessThan(0.5);
    }
  });

  it('schedules trips that depart on the service day at realistic truck speeds', () => {
    const start = serviceDayStartMs(DAY);
    const route = new Map(net.routes.map((r) => [r.id, r]));
    expect(net.trips.length).toBeGreaterThanOrEqual(net.vehicles.length * 0.8);
    for (const t of net.trips) {
      expect(t.id.startsWith(`TRIP-${DAY}-`)).toBe(true);
      expect(t.scheduledDeparture.endsWith('+08:00')).toBe(true);
      const dep = Date.parse(t.scheduledDeparture);
      const arr = Date.parse(t.scheduledArrival);
      expect(dep).toBeGreaterThanOrEqual(start);
      expect(dep).toBeLessThan(start + 86_400_000);
      const kmh = route.get(t.routeId)!.distanceKm / ((arr - dep) / 3_600_000);
      expect(kmh).toBeGreaterThanOrEqual(TRUCK_SPEED_KMH.min - 1);
      expect(kmh).toBeLessThanOrEqual(TRUCK_SPEED_KMH.max + 1);
    }
  });

  it('runs each truck on a rotation that joins up across days: no overlap, each leg from where the last arrived', () => {
    const days = ['2024-11-09', '2024-11-10', DAY, '2024-11-12'];
    const route = new Map(net.routes.map((r) => [r.id, r]));
    const byVehicle = new Map<string, Network['trips']>();
    for (const d of days) {
      for (const t of buildReferenceNetwork({ seed: 42, day: d }).trips) byVehicle.set(t.vehicleId, [...(byVehicle.get(t.vehicleId) ?? []), t]);
    }
    // Four days cover the longest rotation (a 2,000 km lane there and back): every truck runs.
    expect(byVehicle.size).toBe(net.vehicles.length);
    for (const v of net.vehicles) {
      const list = byVehicle.get(v.id)!.sort((a, b) => Date.parse(a.scheduledDeparture) - Date.parse(b.scheduledDeparture));
      const first = route.get(list[0].routeId)!;
      expect([first.originSiteId, first.destSiteId]).toContain(v.homeSiteId);
      for (let i = 1; i < list.length; i++) {
        expect(Date.parse(list[i].scheduledDeparture)).toBeGreaterThanOrEqual(Date.parse(list[i - 1].scheduledArrival) + 60 * 60_000);
        expect(route.get(list[i].routeId)!.originSiteId).toBe(route.get(list[i - 1].routeId)!.destSiteId);
      }
    }
  });

  it('has a cold-chain share and 12-digit terminal phones on part of the fleet', () => {
    const cold = net.vehicles.filter((v) => v.coldProfile !== 'none');
    expect(cold.length / net.vehicles.length).toBeGreaterThan(0.05);
    expect(cold.length / net.vehicles.length).toBeLessThan(0.25);
    expect(new Set(cold.map((v) => v.coldProfile))).toEqual(new Set(['chilled', 'frozen', 'pharma']));
    const phones = net.vehicles.map((v) => v.terminalPhone).filter((p): p is string => p !== null);
    expect(phones.length).toBeGreaterThan(0);
    expect(phones.length).toBeLessThan(net.vehicles.length);
    for (const p of phones) expect(p).toMatch(/^\d{12}$/);
  });

  it('grows the fleet and trips with scale and keeps the rest of the network', () => {
    expect(net.vehicles.length).toBe(VEHICLES_PER_SCALE);
    const big = buildReferenceNetwork({ seed: 42, day: DAY, scale: 10 });
    expect(big.vehicles.length).toBe(VEHICLES_PER_SCALE * 10);
    expect(big.trips.length).toBeGreaterThan(net.trips.length * 5);
    expect(big.sites).toEqual(net.sites);
    expect(big.routes).toEqual(net.routes);
    expect(big.people).toEqual(net.people);
  });

  it('reaches the 20,000-vehicle benchmark fleet', () => {
    const huge = buildReferenceNetwork({ seed: 1, day: DAY, scale: 20_000 / VEHICLES_PER_SCALE });
    expect(huge.vehicles.length).toBe(20_000);
    expect(new Set(huge.vehicles.map((v) => v.plate)).size).toBe(20_000);
    expect(new Set(huge.trips.map((t) => t.id)).size).toBe(huge.trips.length);
  });

  it('schedules another day with other trip ids and the same fleet', () => {
    const next = buildReferenceNetwork({ seed: 42, day: '2024-11-12' });
    expect(next.vehicles).toEqual(net.vehicles);
    expect(next.trips[0].id.startsWith('TRIP-2024-11-12-')).toBe(true);
  });

  it('names what is wrong with bad options', () => {
    expect(() => buildReferenceNetwork({ seed: 1, day: '2024-13-01' })).toThrow(/day "2024-13-01"/);
    expect(() => buildReferenceNetwork({ seed: 1, day: '11/11/2024' })).toThrow(/YYYY-MM-DD/);
    expect(() => buildReferenceNetwork({ seed: 1, scale: 0 })).toThrow(/scale/);
    expect(() => buildReferenceNetwork({ seed: Number.NaN })).toThrow(/seed/);
  });
});
