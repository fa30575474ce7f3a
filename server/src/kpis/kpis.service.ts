import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type KpiValueV1, type Leaderboard, type LeaderboardEntry, parseRoom, type RoomName } from '@kanjian/shared';
import type { Redis } from 'ioredis';
import type { UserPrincipal } from '../auth/principal';
import { AppError } from '../common/errors';
import { REDIS, RedisKeys } from '../redis/redis.module';
import { LivePublisher } from '../realtime/live-publisher';
import { RulesReference } from '../rules/rules-reference.service';
import { dayStartMs, DAY_MS, serviceDay, windowRange } from '../rules/service-day';
import { ThresholdsService } from '../rules/thresholds.service';
import { userCovers } from '../rules/unit-scope';
import { KPI_KEYS, kpiValues, targetOf } from './kpi-values';
import { KpisRepository, type LeafKind } from './kpis.repository';

/** How often region and HQ rooms get KPI deltas at most (their sums cover many units). */
const THROTTLE_MS: Record<string, number> = { floor: 0, site: 0, region: 5000, hq: 10_000 };

/**
 * KPIs per unit and window from the hourly rollups. Facts mark their (unit, day) stale; a loop recomputes the
 * stale ones about once a second and pushes today's values to the rooms concerned.
 */
@Injectable()
export class KpisService implements OnApplicationShutdown {
  private readonly log = new Logger(KpisService.name);
  private dirty = new Set<string>();
  private pendingRooms = new Set<RoomName>();
  private lastPublished = new Map<RoomName, number>();
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  private targetsCache: { at: number; rows: Map<string, { target: number | null; baseline: number | null }> } | null = null;

  constructor(
    private readonly repo: KpisRepository,
    private readonly ref: RulesReference,
    private readonly thresholds: ThresholdsService,
    private readonly publisher: LivePublisher,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  start(intervalMs = 1000) {
    this.timers.push(setInterval(() => void this.flush(), intervalMs));
    // Trips fall overdue as the clock runs: refresh today's departure rates every few minutes.
    this.timers.push(setInterval(() => void this.touchDepartures(), 5 * 60_000));
    for (const t of this.timers) t.unref();
  }

  onApplicationShutdown() {
    for (const t of this.timers) clearInterval(t);
  }

  /** Stops the loop and brings the rollups up to date with what was evaluated. */
  async stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    while (this.running) await new Promise((r) => setTimeout(r, 20));
    await this.flush();
  }

  markDirty(kind: LeafKind, id: string, atMs: number) {
    this.dirty.add(`${kind}|${id}|${serviceDay(atMs)}`);
  }

  get pending(): number {
    return this.dirty.size;
  }

  private async touchDepartures() {
    const today = dayStartMs(serviceDay(Date.now()));
    for (const s of await this.repo.sitesWithTrips(new Date(today), new Date(today + DAY_MS)).catch(() => [])) this.markDirty('site', s, today);
  }

  /** Recomputes every stale (unit, day) and pushes today's values; safe to call concurrently (one runs). */
  async flush(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const batch = [...this.dirty];
      this.dirty.clear();
      const today = serviceDay(Date.now());
      for (const item of batch) {
        const [kind, id, day] = item.split('|') as [LeafKind, string, string];
        const from = dayStartMs(day);
        try {
          const site = kind === 'site' ? id : null;
          await this.repo.refresh(kind, id, new Date(from), new Date(from + DAY_MS), this.thresholds.get('T1', 'lateMinutes', { siteId: site }));
        } catch (e) {
          this.log.warn(`rollup of ${kind} ${id} ${day} failed: ${(e as Error).message}`);
          this.dirty.add(item);
          continue;
        }
        if (day !== today) continue;
        if (kind === 'floor') this.addRooms(this.ref.roomsOf(id, null, true));
        else if (kind === 'site') this.addRooms(this.ref.roomsOf(null, id, true));
      }
      await this.publishDue();
    } finally {
      this.running = false;
    }
  }

  private addRooms(rooms: RoomName[]) {
    for (const r of rooms) this.pendingRooms.add(r);
  }

  private async publishDue() {
    const now = Date.now();
    for (const room of [...this.pendingRooms]) {
      const kind = parseRoom(room).kind;
      if (now - (this.lastPublished.get(room) ?? 0) < THROTTLE_MS[kind]!) continue;
      this.pendingRooms.delete(room);
      this.lastPublished.set(room, now);
      try {
        await this.publisher.publish([room], { kind: 'kpi', data: await this.values(room, 'today') });
      } catch (e) {
        this.log.warn(`KPI push to ${room} failed: ${(e as Error).message}`);
      }
    }
  }

  private async targets() {
    if (!this.targetsCache || Date.now() - this.targetsCache.at > 10_000) {
      const rows = await this.repo.targets();
      this.targetsCache = { at: Date.now(), rows: new Map(rows.map((r) => [r.key, { target: r.target, baseline: r.baseline }])) };
    }
    return this.targetsCache.rows;
  }

  async setTarget(key: string, target: number | null | undefined, baseline: number | null | undefined, note: string | undefined) {
    await this.repo.setTarget(key, target, baseline, note);
    this.targetsCache = null;
  }

  /** Every KPI of a unit for a window; with a bucket, one value per hour or day (`at` = bucket start). */
  async values(unit: string, window: string, bucket?: 'hour' | 'day', key?: string): Promise<KpiValueV1[]> {
    const range = windowRange(window);
    if (!range) throw new AppError('request/invalid', `window: must be today, week or <n>d (got ${window})`);
    const targets = await this.targets();
    const sums = await this.repo.sums(unit, new Date(range.from), new Date(range.to), bucket ?? null);
    const groups = new Map<number, typeof sums>();
    if (!bucket) groups.set(range.from, sums);
    else {
      const step = bucket === 'hour' ? 3600_000 : DAY_MS;
      const end = Math.min(range.to, bucket === 'hour' ? Math.floor(Date.now() / 3600_000) * 3600_000 + 3600_000 : range.to);
      for (let t = range.from; t < end; t += step) groups.set(t, []);
      for (const s of sums) groups.get(s.bucket!.getTime())?.push(s);
    }
    const out: KpiValueV1[] = [];
    const nowIso = new Date().toISOString();
    for (const [at, group] of groups) {
      const v = kpiValues(group);
      for (const k of KPI_KEYS) {
        if (key && k !== key) continue;
        out.push({ unit, key: k, value: v[k] ?? null, target: targetOf(k, targets), window, at: bucket ? new Date(at).toISOString() : nowIso });
      }
    }
    if (!bucket && (!key || key === 'camera_online_rate')) {
      out.push({ unit, key: 'camera_online_rate', value: await this.cameraOnlineRate(unit), target: targetOf('camera_online_rate', targets), window, at: nowIso });
    }
    return out;
  }

  /** Cameras heard within their floor's S4 limit ÷ cameras of the unit that have ever reported. */
  private async cameraOnlineRate(unit: string): Promise<number | null> {
    const kind = unit.split(':')[0];
    if (!['hq', 'region', 'site', 'floor'].includes(kind!)) return null;
    const cams = await this.repo.cameras(unit);
    if (cams.length === 0) return null;
    const scores = await this.redis.zmscore(this.keys.key('rules', 'seen', 'camera'), ...cams);
    let monitored = 0;
    let online = 0;
    const now = Date.now();
    scores.forEach((s, i) => {
      if (s === null) return;
      monitored++;
      const limit = this.thresholds.get('S4', 'silentSeconds', { floorId: this.ref.cameras.get(cams[i]!) ?? null }) * 1000;
      if (now - Number(s) < limit) online++;
    });
    return monitored > 0 ? online / monitored : null;
  }

  /** Checks a user may read a unit's KPIs. */
  checkUnit(user: UserPrincipal, unit: string) {
    if (user.role === 'hq') return;
    if (unit === 'hq') throw new AppError('auth/out_of_scope', `${user.role} user may not see HQ totals`);
    const i = unit.indexOf(':');
    const kind = unit.slice(0, i);
    const id = unit.slice(i + 1);
    let where: { floorId: string | null; siteId: string | null; regionId: string | null };
    if (kind === 'region') where = { floorId: null, siteId: null, regionId: id };
    else if (kind === 'site') where = { floorId: null, siteId: id, regionId: this.ref.regionOfSite(id) };
    else if (kind === 'floor') {
      const s = this.ref.siteOfFloor(id);
      where = { floorId: id, siteId: s, regionId: this.ref.regionOfSite(s) };
    } else if (kind === 'team') {
      const t = this.ref.teams.get(id);
      where = { floorId: t?.floorId ?? null, siteId: t?.siteId ?? null, regionId: this.ref.regionOfSite(t?.siteId) };
    } else if (kind === 'person') {
      const p = this.ref.people.get(id);
      if (user.personId === id) return;
      where = { floorId: p?.floorId ?? null, siteId: p?.siteId ?? null, regionId: this.ref.regionOfSite(p?.siteId) };
    } else {
      const r = this.ref.routes.get(id);
      where = { floorId: null, siteId: r?.originSiteId ?? null, regionId: this.ref.regionOfSite(r?.originSiteId) };
    }
    // A region manager sees the units of the region; a site or floor user their own unit and what is under it.
    if (!userCovers(user, where)) throw new AppError('auth/out_of_scope', `${user.role} user may not see KPIs of ${unit}`);
  }

  /** Floors, teams and stations ranked by compliance (with a minimum volume); zero violations holds the 红旗. */
  async leaderboard(user: UserPrincipal, window: 'today' | 'week', minVolume: number): Promise<Leaderboard> {
    const range = windowRange(window)!;
    const from = new Date(range.from);
    const to = new Date(range.to);
    const target = targetOf('compliance_rate', await this.targets()) ?? 0.999;
    const entries: LeaderboardEntry[] = [];
    for (const kind of ['floor', 'team', 'site'] as const) {
      const [stats, names] = await Promise.all([this.repo.perUnit(kind, from, to), this.repo.names(kind)]);
      const byId = new Map(stats.map((s) => [s.unitId, s]));
      const units = names.filter((n) => (kind !== 'site' || n.kind === 'station') && userCovers(user, { floorId: kind === 'floor' ? n.id : null, siteId: n.site_id, regionId: n.region_id }));
      const rows = units.map((n) => {
        const s = byId.get(n.id) ?? { parcels: 0, violations: 0 };
        const rate = s.parcels > 0 ? Math.max(0, 1 - s.violations / s.parcels) : null;
        return { n, s, rate, ranked: s.parcels >= minVolume && rate !== null };
      });
      const ranked = rows.filter((r) => r.ranked).sort((a, b) => b.rate! - a.rate! || b.s.parcels - a.s.parcels);
      const rankOf = new Map(ranked.map((r, i) => [r.n.id, i + 1]));
      const bottom = new Set(ranked.slice(-Math.max(1, Math.ceil(ranked.length * 0.1))).filter((r) => r.s.violations > 0).map((r) => r.n.id));
      for (const r of rows) {
        if (r.s.parcels === 0 && r.s.violations === 0) continue;
        entries.push({
          unitKind: kind,
          unitId: r.n.id,
          name: r.n.name,
          siteId: r.n.site_id,
          regionId: r.n.region_id,
          parcels: r.s.parcels,
          violations: r.s.violations,
          complianceRate: r.rate,
          rank: rankOf.get(r.n.id) ?? null,
          redFlag: r.ranked && r.s.violations === 0,
          needsAttention: r.ranked && r.s.violations > 0 && (r.rate! < target || bottom.has(r.n.id)),
        });
      }
    }
    entries.sort((a, b) => a.unitKind.localeCompare(b.unitKind) || (a.rank ?? 1e9) - (b.rank ?? 1e9));
    return { window, at: new Date().toISOString(), minVolume, entries };
  }
}
