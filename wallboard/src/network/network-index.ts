import type { Floor, Network, Person, Region, Site, Vehicle, Route, Trip } from '@kanjian/shared';

/** Lookups over the reference network, built once per load. */
export class NetworkIndex {
  readonly regions = new Map<string, Region>();
  readonly sites = new Map<string, Site>();
  readonly floors = new Map<string, Floor>();
  readonly vehicles = new Map<string, Vehicle>();
  readonly routes = new Map<string, Route>();
  readonly people = new Map<string, Person>();
  /** Trips by vehicle, sorted by scheduled departure. */
  readonly tripsByVehicle = new Map<string, Trip[]>();
  readonly trips = new Map<string, Trip>();

  constructor(readonly network: Network) {
    for (const r of network.regions) this.regions.set(r.id, r);
    for (const s of network.sites) this.sites.set(s.id, s);
    for (const f of network.floors) this.floors.set(f.id, f);
    for (const v of network.vehicles) this.vehicles.set(v.id, v);
    for (const r of network.routes) this.routes.set(r.id, r);
    for (const p of network.people) this.people.set(p.id, p);
    for (const t of network.trips) {
      this.trips.set(t.id, t);
      const list = this.tripsByVehicle.get(t.vehicleId) ?? [];
      list.push(t);
      this.tripsByVehicle.set(t.vehicleId, list);
    }
    for (const list of this.tripsByVehicle.values()) list.sort((a, b) => a.scheduledDeparture.localeCompare(b.scheduledDeparture));
  }

  siteOfFloor(floorId: string | null | undefined): string | null {
    return floorId ? (this.floors.get(floorId)?.siteId ?? null) : null;
  }

  regionOfSite(siteId: string | null | undefined): string | null {
    return siteId ? (this.sites.get(siteId)?.regionId ?? null) : null;
  }

  sitesOfRegion(regionId: string): Site[] {
    return this.network.sites.filter((s) => s.regionId === regionId);
  }

  floorsOfSite(siteId: string): Floor[] {
    return this.network.floors.filter((f) => f.siteId === siteId);
  }

  /** The trip a vehicle is on at `now`: the one whose schedule spans it, else the last one that started. */
  currentTrip(vehicleId: string, now: number): Trip | null {
    const list = this.tripsByVehicle.get(vehicleId);
    if (!list?.length) return null;
    let last: Trip | null = null;
    for (const t of list) {
      const dep = Date.parse(t.scheduledDeparture);
      const arr = Date.parse(t.scheduledArrival);
      if (dep <= now && now <= arr) return t;
      if (dep <= now) last = t;
    }
    return last ?? list[0];
  }

  /** A person's name with their id ("黄文晨 P-BJS-0001"), or the id alone when the person is unknown. */
  personLabel(id: string): string {
    const p = this.people.get(id);
    return p ? `${p.name} ${id}` : id;
  }

  /** A display name for a unit id (site, floor, region), falling back to the id itself. */
  unitName(kind: string, id: string, lang: 'zh-CN' | 'en'): string {
    if (kind === 'site') {
      const s = this.sites.get(id);
      return s ? (lang === 'en' ? s.nameEn : s.name) : id;
    }
    if (kind === 'region') {
      const r = this.regions.get(id);
      return r ? (lang === 'en' ? r.nameEn : r.name) : id;
    }
    if (kind === 'floor') {
      const f = this.floors.get(id);
      if (!f) return id;
      const site = this.sites.get(f.siteId);
      if (!site) return f.name;
      // Floor names often carry their site's name already ("北京转运中心 1号分拣场").
      if (f.name.startsWith(site.name) || f.name.startsWith(site.nameEn)) return f.name;
      return `${lang === 'en' ? site.nameEn : site.name} · ${f.name}`;
    }
    return id;
  }
}
