import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ThresholdsResponse, ThresholdsUpdate } from '@kanjian/shared';
import type { Redis } from 'ioredis';
import type { UserPrincipal } from '../auth/principal';
import { AppError } from '../common/errors';
import { REDIS, RedisKeys } from '../redis/redis.module';
import { FLOOR_RULES, isThresholdRuleId, THRESHOLD_DEFAULTS, THRESHOLD_RULE_IDS, type ThresholdRuleId } from './rule-catalogue';
import { RulesReference } from './rules-reference.service';
import { ThresholdsRepository } from './thresholds.repository';
import { userCovers } from './unit-scope';

export interface Where {
  floorId?: string | null;
  siteId?: string | null;
}

/**
 * Effective thresholds: floor override, else site override, else the catalogue default. Held in memory; every
 * instance re-reads the overrides when the shared version counter in Redis moves (checked once a second).
 */
@Injectable()
export class ThresholdsService implements OnModuleDestroy {
  private readonly log = new Logger(ThresholdsService.name);
  private overrides = new Map<string, number>();
  private version = -1;
  /** Moves whenever the overrides are re-read: hot paths cache thresholds and re-resolve when it changes. */
  generation = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: ThresholdsRepository,
    private readonly ref: RulesReference,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async start() {
    await this.sync(true);
    this.timer = setInterval(() => void this.sync(false).catch((e) => this.log.warn(`threshold sync failed: ${String(e)}`)), 1000);
    this.timer.unref();
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
  }

  private async sync(force: boolean) {
    const v = Number((await this.redis.get(this.keys.key('rules', 'thresholds', 'v'))) ?? 0);
    if (!force && v === this.version) return;
    const rows = await this.repo.all();
    this.overrides = new Map(rows.map((r) => [`${r.scope_kind}:${r.scope_id}:${r.rule_id}:${r.key}`, r.value]));
    this.version = v;
    this.generation++;
  }

  get(ruleId: ThresholdRuleId, key: string, where: Where = {}): number {
    if (where.floorId && FLOOR_RULES.has(ruleId)) {
      const f = this.overrides.get(`floor:${where.floorId}:${ruleId}:${key}`);
      if (f !== undefined) return f;
    }
    const siteId = where.siteId ?? this.ref.siteOfFloor(where.floorId);
    if (siteId) {
      const s = this.overrides.get(`site:${siteId}:${ruleId}:${key}`);
      if (s !== undefined) return s;
    }
    const d = THRESHOLD_DEFAULTS[ruleId]?.[key];
    if (d === undefined) throw new Error(`no threshold ${ruleId}.${key}`);
    return d;
  }

  /** The smallest value a threshold takes anywhere: how often a sweep must look. */
  minimum(ruleId: ThresholdRuleId, key: string): number {
    let m = THRESHOLD_DEFAULTS[ruleId]![key]!;
    for (const [k, v] of this.overrides) if (k.endsWith(`:${ruleId}:${key}`)) m = Math.min(m, v);
    return m;
  }

  async view(user: UserPrincipal, siteId: string | undefined, floorId: string | undefined): Promise<ThresholdsResponse> {
    const scope = await this.checkScope(user, siteId, floorId, false);
    const site = scope.siteId;
    const entries: ThresholdsResponse['entries'] = [];
    for (const ruleId of THRESHOLD_RULE_IDS) {
      for (const [key, def] of Object.entries(THRESHOLD_DEFAULTS[ruleId])) {
        const s = site ? (this.overrides.get(`site:${site}:${ruleId}:${key}`) ?? null) : null;
        const f = floorId && FLOOR_RULES.has(ruleId) ? (this.overrides.get(`floor:${floorId}:${ruleId}:${key}`) ?? null) : null;
        entries.push({ ruleId, key, default: def, site: s, floor: f, effective: f ?? s ?? def, floorApplies: FLOOR_RULES.has(ruleId) });
      }
    }
    const scopes = [...(site ? [{ kind: 'site', id: site }] : []), ...(floorId ? [{ kind: 'floor', id: floorId }] : [])];
    const audit = (await this.repo.audit(scopes)).map((r) => ({
      scope: `${r.scope_kind}:${r.scope_id}`,
      ruleId: r.rule_id as string,
      key: r.key as string,
      oldValue: (r.old_value as number | null) ?? null,
      newValue: (r.new_value as number | null) ?? null,
      by: r.changed_by as string,
      at: new Date(r.changed_at as string).toISOString(),
      note: (r.note as string | null) ?? null,
    }));
    return { siteId: site, floorId: floorId ?? null, entries, audit };
  }

  async update(user: UserPrincipal, body: ThresholdsUpdate): Promise<ThresholdsResponse> {
    await this.checkScope(user, body.site, body.floor, true);
    const kind = body.floor ? 'floor' : 'site';
    const id = (body.floor ?? body.site)!;
    const bad: string[] = [];
    for (const c of body.changes) {
      if (!isThresholdRuleId(c.ruleId)) bad.push(`${c.ruleId}: unknown rule`);
      else if (THRESHOLD_DEFAULTS[c.ruleId][c.key] === undefined) bad.push(`${c.ruleId}.${c.key}: unknown threshold (known: ${Object.keys(THRESHOLD_DEFAULTS[c.ruleId]).join(', ') || 'none'})`);
      else if (kind === 'floor' && !FLOOR_RULES.has(c.ruleId)) bad.push(`${c.ruleId}: not set per floor (only ${[...FLOOR_RULES].join(', ')})`);
    }
    if (bad.length) throw new AppError('request/invalid', bad.join('; '), bad);
    await this.repo.apply(kind, id, body.changes, user.username, body.note ?? null);
    await this.redis.incr(this.keys.key('rules', 'thresholds', 'v'));
    await this.sync(true);
    return this.view(user, kind === 'site' ? id : undefined, kind === 'floor' ? id : undefined);
  }

  private async checkScope(user: UserPrincipal, siteId: string | undefined, floorId: string | undefined, write: boolean) {
    await this.ref.ensure(() => (!siteId || this.ref.sites.has(siteId)) && (!floorId || this.ref.floors.has(floorId)));
    if (floorId && !this.ref.floors.has(floorId)) throw new AppError('resource/not_found', `unknown floor ${floorId}`);
    if (siteId && !this.ref.sites.has(siteId)) throw new AppError('resource/not_found', `unknown site ${siteId}`);
    const site = siteId ?? this.ref.siteOfFloor(floorId) ?? null;
    if (floorId && siteId && this.ref.siteOfFloor(floorId) !== siteId) throw new AppError('request/invalid', `floor ${floorId} is not on site ${siteId}`);
    if (site || floorId) {
      const unit = { floorId: floorId ?? null, siteId: site, regionId: this.ref.regionOfSite(site) };
      // A floor user may read its floor's thresholds but only site, region and HQ managers change them.
      if (!userCovers(user, unit) || (write && user.role === 'floor')) throw new AppError('auth/out_of_scope', `${user.role} user may not ${write ? 'change' : 'see'} thresholds of ${floorId ? `floor ${floorId}` : `site ${site}`}`);
    }
    return { siteId: site };
  }
}
