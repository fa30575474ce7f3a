import type { Network, Person, Route, Site, Trip, Vehicle } from '@kanjian/shared';
import { Rand } from '../core/random';
import { dayStart, HOUR, isoUtc8, MINUTE } from '../core/time';
import { haversineKm } from '../model/network-index';

/**
 * A small network of the same shape as the hub's reference network (the simulator may not import the hub), for
 * offline tests: 8 hubs in East and South China, 5 stations each with a locker and a 驿站, 2 floors of 20
 * cameras per hub, a fleet with cold chain, routes and one day of trips.
 */
export function testNetwork(opts: { day: string; vehicles?: number; couriersPerStation?: number } = { day: '2024-06-03' }): Network {
  const r = new Rand(12345);
  const hubs = [
    ['SHA', '上海', 'Shanghai', 'R-EAST', 31.2304, 121.4737],
    ['HGH', '杭州', 'Hangzhou', 'R-EAST', 30.2741, 120.1551],
    ['NKG', '南京', 'Nanjing', 'R-EAST', 32.0603, 118.7969],
    ['SZV', '苏州', 'Suzhou', 'R-EAST', 31.2989, 120.5853],
    ['XMN', '厦门', 'Xiamen', 'R-EAST', 24.4798, 118.0894],
    ['CAN', '广州', 'Guangzhou', 'R-SOUTH', 23.1291, 113.2644],
    ['SZX', '深圳', 'Shenzhen', 'R-SOUTH', 22.5431, 114.0579],
    ['DGG', '东莞', 'Dongguan', 'R-SOUTH', 23.0207, 113.7518],
  ] as const;
  const sites: Site[] = [];
  const people: Person[] = [];
  const floors: Network['floors'] = [];
  const cameras: Network['cameras'] = [];
  const teams: Network['teams'] = [];
  let pid = 0;
  const person = (role: Person['role'], siteId: string | null, floorId: string | null, teamId: string | null) => {
    const p: Person = { id: `P-${String(++pid).padStart(5, '0')}`, name: `测试${pid}`, role, siteId, floorId, teamId };
    people.push(p);
    return p;
  };
  for (let i = 1; i <= 5; i++) person('agent', null, null, null);
  for (const [code, city, cityEn, region, lat, lon] of hubs) {
    const hubId = `HUB-${code}`;
    sites.push({ id: hubId, kind: 'hub', name: `${city}转运中心`, nameEn: `${cityEn} Hub`, regionId: region, parentId: null, city, lat, lon, radiusM: 800 });
    for (let f = 1; f <= 2; f++) {
      const floorId = `FL-${code}-${f}`;
      floors.push({ id: floorId, siteId: hubId, name: `${f}号分拣场`, dailyCapacity: 150_000 });
      for (let c = 1; c <= 20; c++) cameras.push({ id: `CAM-${code}-${f}-${String(c).padStart(2, '0')}`, floorId, name: `${c}号机位`, positionM: c * 3 - 1.5 });
      for (let t = 1; t <= 3; t++) {
        const teamId = `TM-${code}-${f}-${t}`;
        const leader = person('team_leader', hubId, floorId, teamId);
        teams.push({ id: teamId, name: `班组${t}`, siteId: hubId, floorId, leaderId: leader.id });
        for (let s = 0; s < 10; s++) person('sorter', hubId, floorId, teamId);
      }
    }
    for (let s = 1; s <= 5; s++) {
      const no = String(s).padStart(2, '0');
      const stId = `ST-${code}-${no}`;
      const sLat = lat + r.range(-0.1, 0.1);
      const sLon = lon + r.range(-0.1, 0.1);
      sites.push({ id: stId, kind: 'station', name: `${city}${s}网点`, nameEn: `${cityEn} Station ${s}`, regionId: region, parentId: hubId, city, lat: sLat, lon: sLon, radiusM: 150 });
      sites.push({ id: `LK-${code}-${no}`, kind: 'locker', name: `${city}${s}快递柜`, nameEn: `${cityEn} Locker ${s}`, regionId: region, parentId: hubId, city, lat: sLat + 0.01, lon: sLon, radiusM: 30 });
      sites.push({ id: `PO-${code}-${no}`, kind: 'post', name: `${city}${s}驿站`, nameEn: `${cityEn} Post ${s}`, regionId: region, parentId: hubId, city, lat: sLat, lon: sLon + 0.01, radiusM: 50 });
      person('site_manager', stId, null, null);
      const teamId = `TM-${code}-ST${no}`;
      const leader = person('team_leader', stId, null, teamId);
      teams.push({ id: teamId, name: '收派组', siteId: stId, floorId: null, leaderId: leader.id });
      for (let c = 0; c < (opts.couriersPerStation ?? 9); c++) person('courier', stId, null, teamId);
    }
  }
  const lanes = [['SHA', 'HGH'], ['SHA', 'NKG'], ['SHA', 'SZV'], ['HGH', 'NKG'], ['SHA', 'XMN'], ['XMN', 'SZX'], ['CAN', 'SZX'], ['CAN', 'DGG'], ['SZX', 'DGG'], ['SHA', 'CAN'], ['HGH', 'CAN'], ['NKG', 'SZV']];
  const routes: Route[] = [];
  const hubSite = (c: string) => sites.find((s) => s.id === `HUB-${c}`)!;
  for (const [a, b] of lanes) {
    const o = hubSite(a);
    const d = hubSite(b);
    const path: [number, number][] = [];
    const n = 30;
    const bend = r.range(-0.08, 0.08);
    for (let i = 0; i <= n; i++) {
      const t = i / n;
      const off = Math.sin(Math.PI * t) * bend * haversineKm(o.lat, o.lon, d.lat, d.lon) / 111;
      path.push([o.lat + (d.lat - o.lat) * t + off, o.lon + (d.lon - o.lon) * t - off]);
    }
    path[0] = [o.lat, o.lon];
    path[n] = [d.lat, d.lon];
    let km = 0;
    for (let i = 1; i < path.length; i++) km += haversineKm(path[i - 1][0], path[i - 1][1], path[i][0], path[i][1]);
    routes.push({ id: `RT-${a}-${b}`, originSiteId: o.id, destSiteId: d.id, distanceKm: Math.round(km * 10) / 10, path });
    routes.push({ id: `RT-${b}-${a}`, originSiteId: d.id, destSiteId: o.id, distanceKm: Math.round(km * 10) / 10, path: [...path].reverse() });
  }
  const vehicles: Vehicle[] = [];
  const trips: Trip[] = [];
  const start = dayStart(opts.day);
  const nVehicles = opts.vehicles ?? 60;
  for (let i = 0; i < nVehicles; i++) {
    const route = routes[i % routes.length];
    const c = r.next();
    const home = sites.find((s) => s.id === route.originSiteId)!;
    vehicles.push({ id: `VEH-${String(i + 1).padStart(4, '0')}`, plate: `沪A${String(10000 + i)}`, homeSiteId: home.id, regionId: home.regionId, coldProfile: c < 0.06 ? 'chilled' : c < 0.1 ? 'frozen' : c < 0.12 ? 'pharma' : 'none', terminalPhone: i % 3 === 0 ? null : `0139${String(10_000_000 + i).padStart(8, '0')}` });
    // Round trips from home, the same every day, all back home before midnight: days join up.
    const back = routes.find((x) => x.originSiteId === route.destSiteId && x.destSiteId === route.originSiteId)!;
    const minutes = (km: number) => Math.round((km / r.range(60, 75)) * 60) * MINUTE;
    let dep = start + Math.round(r.range(0, 20) * 60) * MINUTE;
    for (;;) {
      const arr1 = dep + minutes(route.distanceKm);
      const dep2 = arr1 + Math.round(r.range(60, 180)) * MINUTE;
      const arr2 = dep2 + minutes(back.distanceKm);
      if (arr2 > start + 24 * HOUR - 30 * MINUTE) break;
      trips.push({ id: '', routeId: route.id, vehicleId: vehicles[i].id, scheduledDeparture: isoUtc8(dep), scheduledArrival: isoUtc8(arr1) });
      trips.push({ id: '', routeId: back.id, vehicleId: vehicles[i].id, scheduledDeparture: isoUtc8(dep2), scheduledArrival: isoUtc8(arr2) });
      dep = arr2 + Math.round(r.range(60, 180)) * MINUTE;
    }
  }
  trips.sort((a, b) => Date.parse(a.scheduledDeparture) - Date.parse(b.scheduledDeparture) || a.vehicleId.localeCompare(b.vehicleId));
  trips.forEach((t, i) => (t.id = `TRIP-${opts.day}-${String(i + 1).padStart(4, '0')}`));
  return {
    regions: [
      { id: 'R-EAST', name: '华东大区', nameEn: 'East China' },
      { id: 'R-SOUTH', name: '华南大区', nameEn: 'South China' },
    ],
    sites,
    floors,
    cameras,
    vehicles,
    routes,
    trips,
    teams,
    people,
  };
}
