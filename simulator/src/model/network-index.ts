import type { Camera, Floor, Network, Person, Route, Site, Team, Trip, Vehicle } from '@kanjian/shared';
import { dayOf } from '../core/time';

/** Builtins bound once: Jest's vm context makes every global lookup slow in hot loops (jestjs/jest#5163). */
const M = Math;

const EARTH_KM = 6371.0088;
const rad = (d: number) => (d * M.PI) / 180;

export function haversineKm(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const dLat = rad(bLat - aLat);
  const dLon = rad(bLon - aLon);
  const h = M.sin(dLat / 2) ** 2 + M.cos(rad(aLat)) * M.cos(rad(bLat)) * M.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * M.asin(M.min(1, M.sqrt(h)));
}

export function bearingDeg(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const y = M.sin(rad(bLon - aLon)) * M.cos(rad(bLat));
  const x = M.cos(rad(aLat)) * M.sin(rad(bLat)) - M.sin(rad(aLat)) * M.cos(rad(bLat)) * M.cos(rad(bLon - aLon));
  return ((M.atan2(y, x) * 180) / M.PI + 360) % 360;
}

/** A point `km` away on bearing `deg` (flat earth: exact enough for a few km). */
export function offsetKm(lat: number, lon: number, km: number, deg: number): [number, number] {
  return [lat + (km * M.cos(rad(deg))) / 110.574, lon + (km * M.sin(rad(deg))) / (111.32 * M.cos(rad(lat)))];
}

/** A route's polyline with cumulative distances, to place a truck `km` along it. */
export class RouteGeometry {
  readonly cumKm: Float64Array;
  readonly totalKm: number;
  constructor(readonly route: Route) {
    const p = route.path;
    if (p.length < 2) throw new Error(`route ${route.id} has a path of ${p.length} point(s); it needs at least 2`);
    this.cumKm = new Float64Array(p.length);
    for (let i = 1; i < p.length; i++) this.cumKm[i] = this.cumKm[i - 1] + haversineKm(p[i - 1][0], p[i - 1][1], p[i][0], p[i][1]);
    this.totalKm = this.cumKm[p.length - 1];
  }
  /** Position and heading `km` from the origin, clamped to the ends. */
  at(km: number): { lat: number; lon: number; heading: number } {
    const p = this.route.path;
    const d = M.min(M.max(km, 0), this.totalKm);
    let lo = 0;
    let hi = p.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.cumKm[mid] <= d) lo = mid;
      else hi = mid;
    }
    const seg = this.cumKm[hi] - this.cumKm[lo];
    const f = seg > 0 ? (d - this.cumKm[lo]) / seg : 0;
    return {
      lat: p[lo][0] + (p[hi][0] - p[lo][0]) * f,
      lon: p[lo][1] + (p[hi][1] - p[lo][1]) * f,
      heading: bearingDeg(p[lo][0], p[lo][1], p[hi][0], p[hi][1]),
    };
  }
}

export interface StationInfo {
  site: Site;
  hub: Site;
  /** The smart locker and 驿站 nearest the station (couriers drop there). */
  locker: Site | null;
  post: Site | null;
  couriers: Person[];
  manager: Person | null;
  /** Position of the station among its hub's stations, for compact numbers (01, 02 …). */
  no: number;
}

export interface FloorInfo {
  floor: Floor;
  hub: Site;
  cameras: Camera[];
  /** Shift teams in order; team i works hours [i·24/n, (i+1)·24/n). */
  teams: { team: Team; sorters: Person[]; leader: Person | null }[];
}

/** The fetched network, indexed the ways the generators look it up. */
export class NetworkIndex {
  readonly sites = new Map<string, Site>();
  readonly hubs: Site[] = [];
  readonly stations: StationInfo[] = [];
  readonly stationById = new Map<string, StationInfo>();
  readonly stationsByHub = new Map<string, StationInfo[]>();
  readonly floors: FloorInfo[] = [];
  readonly routes = new Map<string, RouteGeometry>();
  readonly vehicles = new Map<string, Vehicle>();
  readonly vehicleOrder: Vehicle[];
  readonly people = new Map<string, Person>();
  readonly agents: Person[];
  /** Trips grouped by the service day of their scheduled departure. */
  readonly tripsByDay = new Map<string, Trip[]>();

  constructor(readonly network: Network) {
    for (const s of network.sites) {
      this.sites.set(s.id, s);
      if (s.kind === 'hub') this.hubs.push(s);
    }
    for (const p of network.people) this.people.set(p.id, p);
    const site = (id: string, what: string) => {
      const s = this.sites.get(id);
      if (!s) throw new Error(`${what} refers to site ${id}, which the network does not have`);
      return s;
    };
    const byHubKind = new Map<string, Site[]>();
    for (const s of network.sites) {
      if (s.parentId) {
        const k = `${s.parentId}|${s.kind}`;
        byHubKind.set(k, [...(byHubKind.get(k) ?? []), s]);
      }
    }
    const nearest = (list: Site[] | undefined, to: Site) => {
      let best: Site | null = null;
      let bestKm = Infinity;
      for (const s of list ?? []) {
        const km = haversineKm(s.lat, s.lon, to.lat, to.lon);
        if (km < bestKm) {
          best = s;
          bestKm = km;
        }
      }
      return best;
    };
    const couriersBySite = new Map<string, Person[]>();
    const managerBySite = new Map<string, Person>();
    for (const p of network.people) {
      if (!p.siteId) continue;
      if (p.role === 'courier') couriersBySite.set(p.siteId, [...(couriersBySite.get(p.siteId) ?? []), p]);
      if (p.role === 'site_manager' && !managerBySite.has(p.siteId)) managerBySite.set(p.siteId, p);
    }
    for (const s of network.sites) {
      if (s.kind !== 'station') continue;
      if (!s.parentId) throw new Error(`station ${s.id} has no parent hub`);
      const hub = site(s.parentId, `station ${s.id}`);
      const list = this.stationsByHub.get(hub.id) ?? [];
      const info: StationInfo = {
        site: s,
        hub,
        locker: nearest(byHubKind.get(`${hub.id}|locker`), s),
        post: nearest(byHubKind.get(`${hub.id}|post`), s),
        couriers: couriersBySite.get(s.id) ?? [],
        manager: managerBySite.get(s.id) ?? null,
        no: list.length + 1,
      };
      list.push(info);
      this.stationsByHub.set(hub.id, list);
      this.stations.push(info);
      this.stationById.set(s.id, info);
    }
    const camerasByFloor = new Map<string, Camera[]>();
    for (const c of network.cameras) camerasByFloor.set(c.floorId, [...(camerasByFloor.get(c.floorId) ?? []), c]);
    const membersByTeam = new Map<string, Person[]>();
    for (const p of network.people) if (p.teamId && p.role === 'sorter') membersByTeam.set(p.teamId, [...(membersByTeam.get(p.teamId) ?? []), p]);
    for (const f of network.floors) {
      const teams = network.teams
        .filter((t) => t.floorId === f.id)
        .map((team) => ({ team, sorters: membersByTeam.get(team.id) ?? [], leader: team.leaderId ? (this.people.get(team.leaderId) ?? null) : null }));
      this.floors.push({ floor: f, hub: site(f.siteId, `floor ${f.id}`), cameras: camerasByFloor.get(f.id) ?? [], teams });
    }
    for (const r of network.routes) this.routes.set(r.id, new RouteGeometry(r));
    for (const v of network.vehicles) this.vehicles.set(v.id, v);
    this.vehicleOrder = [...network.vehicles].sort((a, b) => a.id.localeCompare(b.id));
    this.agents = network.people.filter((p) => p.role === 'agent');
    for (const t of network.trips) {
      const d = dayOf(Date.parse(t.scheduledDeparture));
      const list = this.tripsByDay.get(d) ?? [];
      list.push(t);
      this.tripsByDay.set(d, list);
    }
  }

  /** The day with the most trips: the schedule other days are projected from when the hub has not loaded them. */
  templateDay(): string | null {
    let best: string | null = null;
    let n = 0;
    for (const [d, list] of this.tripsByDay) if (list.length > n || (list.length === n && best !== null && d > best)) [best, n] = [d, list.length];
    return best;
  }

  /** Sorting-floor volume weight of a hub (floor capacity), used to route parcels where volume is. */
  hubWeight(hubId: string): number {
    return this.floors.filter((f) => f.hub.id === hubId).reduce((s, f) => s + f.floor.dailyCapacity, 0) || 1;
  }
}
