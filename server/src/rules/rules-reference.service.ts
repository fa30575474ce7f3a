import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { RoomName } from '@kanjian/shared';
import { DataSource } from 'typeorm';
import { haversineM, type MeasuredPath, measurePath } from './geo';

export interface SiteInfo {
  id: string;
  kind: string;
  name: string;
  regionId: string;
  parentId: string | null;
  lat: number;
  lon: number;
  radiusM: number;
}
export interface VehicleInfo {
  id: string;
  homeSiteId: string;
  regionId: string;
  coldProfile: 'none' | 'chilled' | 'frozen' | 'pharma';
}
export interface TripInfo {
  id: string;
  routeId: string;
  vehicleId: string;
  scheduledDeparture: number;
  scheduledArrival: number;
}
export interface RouteInfo {
  id: string;
  originSiteId: string;
  destSiteId: string;
  path: MeasuredPath;
}
export interface PersonInfo {
  id: string;
  role: string;
  siteId: string | null;
  floorId: string | null;
  teamId: string | null;
}
export interface Responsibility {
  personId: string | null;
  leaderId: string | null;
  teamId: string | null;
  kind: 'person' | 'team_leader' | 'site';
  responsible: string | null;
}

const GRID_DEG = 0.5;

/**
 * What the rules need of the reference network, held in memory: site geofences, cold-chain profiles, trips and
 * routes for the transport rules, and the people/teams chain that decides who a violation is attributed to.
 */
@Injectable()
export class RulesReference implements OnModuleDestroy {
  private readonly log = new Logger(RulesReference.name);
  sites = new Map<string, SiteInfo>();
  floors = new Map<string, { siteId: string; name: string }>();
  cameras = new Map<string, string>();
  vehicles = new Map<string, VehicleInfo>();
  trips = new Map<string, TripInfo>();
  routes = new Map<string, RouteInfo>();
  people = new Map<string, PersonInfo>();
  teams = new Map<string, { siteId: string; floorId: string | null; leaderId: string | null; name: string }>();
  private floorLeader = new Map<string, string>();
  private siteManager = new Map<string, string>();
  private grid = new Map<string, SiteInfo[]>();
  private timer: NodeJS.Timeout | null = null;
  private loading: Promise<void> | null = null;
  private loadedAt = 0;
  /** Moves on every reload, so caches built from the reference know to refresh. */
  generation = 0;

  constructor(private readonly ds: DataSource) {}

  async start(refreshMs = 60_000) {
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch((e) => this.log.warn(`reload failed: ${String(e)}`)), refreshMs);
    this.timer.unref();
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
  }

  reload(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  /** Reloads at most once a second when something referenced is not known yet (new reference data). */
  async ensure(pred: () => boolean): Promise<void> {
    if (!pred() && Date.now() - this.loadedAt > 1000) await this.reload();
  }

  private async load() {
    const [sites, floors, cameras, vehicles, trips, routes, people, teams] = await Promise.all([
      this.ds.query(`SELECT id, kind, name, region_id, parent_id, lat, lon, radius_m FROM sites`),
      this.ds.query(`SELECT id, site_id, name FROM floors`),
      this.ds.query(`SELECT id, floor_id FROM cameras`),
      this.ds.query(`SELECT id, home_site_id, region_id, cold_profile FROM vehicles`),
      this.ds.query(
        `SELECT id, route_id, vehicle_id, scheduled_departure, scheduled_arrival FROM trips
          WHERE scheduled_departure > now() - interval '3 days' AND scheduled_departure < now() + interval '3 days'`,
      ),
      this.ds.query(`SELECT id, origin_site_id, dest_site_id, path FROM routes`),
      this.ds.query(`SELECT id, role, site_id, floor_id, team_id FROM people`),
      this.ds.query(`SELECT id, name, site_id, floor_id, leader_id FROM teams ORDER BY id`),
    ]);
    const s = new Map<string, SiteInfo>();
    const grid = new Map<string, SiteInfo[]>();
    for (const r of sites) {
      const info: SiteInfo = { id: r.id, kind: r.kind, name: r.name, regionId: r.region_id, parentId: r.parent_id, lat: r.lat, lon: r.lon, radiusM: r.radius_m };
      s.set(r.id, info);
      const k = cell(r.lat, r.lon);
      (grid.get(k) ?? grid.set(k, []).get(k)!).push(info);
    }
    this.sites = s;
    this.grid = grid;
    this.floors = new Map(floors.map((r: Record<string, string>) => [r.id, { siteId: r.site_id, name: r.name }]));
    this.cameras = new Map(cameras.map((r: Record<string, string>) => [r.id, r.floor_id]));
    this.vehicles = new Map(
      vehicles.map((r: Record<string, string>) => [r.id, { id: r.id, homeSiteId: r.home_site_id, regionId: r.region_id, coldProfile: r.cold_profile as VehicleInfo['coldProfile'] }]),
    );
    this.trips = new Map(
      trips.map((r: Record<string, unknown>) => [
        r.id as string,
        {
          id: r.id as string,
          routeId: r.route_id as string,
          vehicleId: r.vehicle_id as string,
          scheduledDeparture: new Date(r.scheduled_departure as string).getTime(),
          scheduledArrival: new Date(r.scheduled_arrival as string).getTime(),
        },
      ]),
    );
    this.routes = new Map(
      routes.map((r: Record<string, unknown>) => [
        r.id as string,
        { id: r.id as string, originSiteId: r.origin_site_id as string, destSiteId: r.dest_site_id as string, path: measurePath(r.path as [number, number][]) },
      ]),
    );
    this.people = new Map(people.map((r: Record<string, string>) => [r.id, { id: r.id, role: r.role, siteId: r.site_id, floorId: r.floor_id, teamId: r.team_id }]));
    this.teams = new Map(teams.map((r: Record<string, string>) => [r.id, { siteId: r.site_id, floorId: r.floor_id, leaderId: r.leader_id, name: r.name }]));
    this.floorLeader = new Map();
    for (const [, t] of this.teams) if (t.floorId && t.leaderId && !this.floorLeader.has(t.floorId)) this.floorLeader.set(t.floorId, t.leaderId);
    this.siteManager = new Map();
    for (const p of this.people.values()) if (p.role === 'site_manager' && p.siteId && !this.siteManager.has(p.siteId)) this.siteManager.set(p.siteId, p.id);
    this.loadedAt = Date.now();
    this.generation++;
  }

  /** A trip by id; trips outside the ±3-day window are fetched on demand. */
  async trip(id: string): Promise<TripInfo | undefined> {
    const hit = this.trips.get(id);
    if (hit) return hit;
    const rows = await this.ds.query(`SELECT id, route_id, vehicle_id, scheduled_departure, scheduled_arrival FROM trips WHERE id = $1`, [id]);
    const r = rows[0];
    if (!r) return undefined;
    const t: TripInfo = { id: r.id, routeId: r.route_id, vehicleId: r.vehicle_id, scheduledDeparture: new Date(r.scheduled_departure).getTime(), scheduledArrival: new Date(r.scheduled_arrival).getTime() };
    this.trips.set(id, t);
    return t;
  }

  siteOfFloor(floorId: string | null | undefined): string | null {
    return floorId ? (this.floors.get(floorId)?.siteId ?? null) : null;
  }

  regionOfSite(siteId: string | null | undefined): string | null {
    return siteId ? (this.sites.get(siteId)?.regionId ?? null) : null;
  }

  /** Inside the geofence of any site (a stop there is loading, not an abnormal stop). */
  insideAnySite(lat: number, lon: number): boolean {
    const ci = Math.floor(lat / GRID_DEG);
    const cj = Math.floor(lon / GRID_DEG);
    for (let di = -1; di <= 1; di++)
      for (let dj = -1; dj <= 1; dj++)
        for (const s of this.grid.get(`${ci + di}:${cj + dj}`) ?? []) if (haversineM(lat, lon, s.lat, s.lon) <= s.radiusM) return true;
    return false;
  }

  /**
   * Who answers for a lapse: the person when known, else the team leader of the floor, else the site (its
   * manager when there is one) — the chain carriers use.
   */
  responsibility(personId: string | null | undefined, floorId: string | null, siteId: string | null): Responsibility {
    if (personId) {
      const p = this.people.get(personId);
      const team = p?.teamId ? this.teams.get(p.teamId) : undefined;
      const leaderId = team?.leaderId && team.leaderId !== personId ? team.leaderId : null;
      return { personId, leaderId, teamId: p?.teamId ?? null, kind: 'person', responsible: personId };
    }
    const leader = floorId ? this.floorLeader.get(floorId) : undefined;
    if (leader) return { personId: null, leaderId: leader, teamId: this.people.get(leader)?.teamId ?? null, kind: 'team_leader', responsible: leader };
    const mgr = siteId ? this.siteManager.get(siteId) : undefined;
    return { personId: null, leaderId: mgr ?? null, teamId: null, kind: 'site', responsible: siteId ? `site:${siteId}` : null };
  }

  /** The rooms a unit's facts go to: its floor, its site, its region (and HQ when asked). */
  roomsOf(floorId: string | null, siteId: string | null, hq = false): RoomName[] {
    const rooms: RoomName[] = [];
    if (floorId) rooms.push(`floor:${floorId}`);
    const site = siteId ?? this.siteOfFloor(floorId);
    if (site) {
      rooms.push(`site:${site}`);
      const region = this.regionOfSite(site);
      if (region) rooms.push(`region:${region}`);
    }
    if (hq) rooms.push('hq');
    return rooms;
  }
}

function cell(lat: number, lon: number) {
  return `${Math.floor(lat / GRID_DEG)}:${Math.floor(lon / GRID_DEG)}`;
}
