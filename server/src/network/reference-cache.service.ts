import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Subject } from '@kanjian/shared';
import { DataSource } from 'typeorm';

interface SiteRef {
  regionId: string;
  parentId: string | null;
}
interface VehicleRef {
  regionId: string;
  homeSiteId: string;
}

/**
 * The reference network held in memory: the hot path resolves a subject's ancestry (camera → floor → site →
 * region) without a database round trip. Reloaded periodically and, rate-limited, on a miss.
 */
@Injectable()
export class ReferenceCache implements OnModuleDestroy {
  private readonly log = new Logger(ReferenceCache.name);
  private sites = new Map<string, SiteRef>();
  private floors = new Map<string, string>();
  private cameras = new Map<string, string>();
  private vehicles = new Map<string, VehicleRef>();
  /** Scope chains are asked for on every ingested event: computed once per subject until the next reload. */
  private scopeMemo = new Map<string, string[]>();
  private loadedAt = 0;
  /** Bumped at every reload, so derived caches elsewhere know when to start over. */
  version = 0;
  private loading: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly ds: DataSource) {}

  /** Loads now and every `refreshMs`; calling it again only reloads. */
  async start(refreshMs = 30_000): Promise<void> {
    await this.reload();
    if (this.timer) return;
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

  private async load() {
    const [sites, floors, cameras, vehicles] = await Promise.all([
      this.ds.query(`SELECT id, region_id, parent_id FROM sites`),
      this.ds.query(`SELECT id, site_id FROM floors`),
      this.ds.query(`SELECT id, floor_id FROM cameras`),
      this.ds.query(`SELECT id, region_id, home_site_id FROM vehicles`),
    ]);
    this.sites = new Map(sites.map((r: Record<string, string>) => [r.id, { regionId: r.region_id, parentId: r.parent_id }]));
    this.floors = new Map(floors.map((r: Record<string, string>) => [r.id, r.site_id]));
    this.cameras = new Map(cameras.map((r: Record<string, string>) => [r.id, r.floor_id]));
    this.vehicles = new Map(vehicles.map((r: Record<string, string>) => [r.id, { regionId: r.region_id, homeSiteId: r.home_site_id }]));
    this.scopeMemo = new Map();
    this.version++;
    this.loadedAt = Date.now();
  }

  /** Reloads once if a subject is unknown and the cache is older than a second (new reference data). */
  async ensureKnown(subjects: Subject[]): Promise<void> {
    if (subjects.some((s) => !this.knows(s)) && Date.now() - this.loadedAt > 1000) await this.reload();
  }

  knows(s: Subject): boolean {
    switch (s.kind) {
      case 'vehicle':
        return this.vehicles.has(s.id);
      case 'camera':
        return this.cameras.has(s.id);
      case 'floor':
        return this.floors.has(s.id);
      case 'site':
        return this.sites.has(s.id);
    }
  }

  /** Scope strings that cover a subject, most specific first: e.g. camera:C, floor:F, site:S, site:HUB, region:R. */
  scopesOf(s: Subject): string[] {
    const key = `${s.kind}:${s.id}`;
    let out = this.scopeMemo.get(key);
    if (!out) {
      out = this.computeScopes(s);
      if (this.knows(s)) this.scopeMemo.set(key, out);
    }
    return out;
  }

  private computeScopes(s: Subject): string[] {
    const out = [`${s.kind}:${s.id}`];
    let siteId: string | undefined;
    if (s.kind === 'vehicle') {
      const v = this.vehicles.get(s.id);
      if (!v) return out;
      siteId = v.homeSiteId;
    } else if (s.kind === 'camera') {
      const f = this.cameras.get(s.id);
      if (!f) return out;
      out.push(`floor:${f}`);
      siteId = this.floors.get(f);
    } else if (s.kind === 'floor') {
      siteId = this.floors.get(s.id);
    } else {
      siteId = s.id;
      out.pop();
    }
    for (let hops = 0; siteId && hops < 4; hops++) {
      const site = this.sites.get(siteId);
      if (!site) break;
      out.push(`site:${siteId}`);
      if (!site.parentId) {
        out.push(`region:${site.regionId}`);
        break;
      }
      siteId = site.parentId;
    }
    return out;
  }

  siteOf(s: Subject): string | null {
    const scopes = this.scopesOf(s);
    const site = scopes.find((x) => x.startsWith('site:'));
    return site ? site.slice(5) : null;
  }

  regionOfSite(siteId: string): string | null {
    return this.sites.get(siteId)?.regionId ?? null;
  }

  siteOfFloor(floorId: string): string | null {
    return this.floors.get(floorId) ?? null;
  }

  vehicle(id: string): VehicleRef | undefined {
    return this.vehicles.get(id);
  }
}
