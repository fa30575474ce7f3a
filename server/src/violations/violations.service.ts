import { Injectable, Logger } from '@nestjs/common';
import { RULES, type RoomName, type ViolationSummaryV1 } from '@kanjian/shared';
import type { UserPrincipal } from '../auth/principal';
import { AppError } from '../common/errors';
import { KpisService } from '../kpis/kpis.service';
import { ReferenceCache } from '../network/reference-cache.service';
import { LivePublisher } from '../realtime/live-publisher';
import type { Finding } from '../rules/finding';
import { RulesReference } from '../rules/rules-reference.service';
import { roomCondition, scopeRoom, userCovers } from '../rules/unit-scope';
import { type NewViolation, toSummary, type ViolationRow, ViolationsRepository } from './violations.repository';

@Injectable()
export class ViolationsService {
  private readonly log = new Logger(ViolationsService.name);

  constructor(
    private readonly repo: ViolationsRepository,
    private readonly ref: RulesReference,
    private readonly cache: ReferenceCache,
    private readonly publisher: LivePublisher,
    private readonly kpis: KpisService,
  ) {}

  /** Stores the violations among findings (once per lapse), pushes new ones to their rooms and marks KPIs stale. */
  async record(findings: Finding[]): Promise<Map<string, ViolationRow>> {
    const rows: NewViolation[] = [];
    for (const f of findings) {
      if (!f.violation) continue;
      const siteId = f.siteId ?? this.ref.siteOfFloor(f.floorId);
      const resp = this.ref.responsibility(f.personId, f.floorId, siteId);
      rows.push({
        dedupe_key: f.dedupeKey,
        rule_id: f.ruleId,
        stage: RULES[f.ruleId].stage,
        severity: f.severity,
        subject_kind: f.subjectKind,
        subject_id: f.subjectId,
        floor_id: f.floorId,
        site_id: siteId,
        region_id: this.ref.regionOfSite(siteId),
        waybill_no: f.waybillNo,
        person_id: resp.personId,
        leader_id: resp.leaderId,
        team_id: resp.teamId,
        responsible_kind: resp.kind,
        responsible: resp.responsible,
        evidence: f.evidence,
        at: f.at,
        detail: f.detail,
        measure: f.measure ?? null,
        source_event_id: f.sourceEventId ?? null,
      });
    }
    const out = new Map<string, ViolationRow>();
    if (rows.length === 0) return out;
    const stored = await this.repo.insert(rows);
    for (const r of stored) {
      out.set(r.dedupe_key, r);
      this.touchKpis(r);
    }
    await this.publish(stored);
    return out;
  }

  /** Withdraws violations late data disproves; KPIs follow. */
  async voidWhere(where: string, params: unknown[], reason: string): Promise<number> {
    const rows = await this.repo.voidWhere(where, params, reason);
    for (const r of rows) this.touchKpis(r);
    if (rows.length) await this.publish(rows.map((r) => ({ ...r, status: 'dismissed' as const })));
    return rows.length;
  }

  touchKpis(r: Pick<ViolationRow, 'floor_id' | 'site_id' | 'team_id' | 'person_id' | 'at'>) {
    const at = new Date(r.at).getTime();
    if (r.floor_id) this.kpis.markDirty('floor', r.floor_id, at);
    if (r.site_id) this.kpis.markDirty('site', r.site_id, at);
    if (r.team_id) this.kpis.markDirty('team', r.team_id, at);
    if (r.person_id) this.kpis.markDirty('person', r.person_id, at);
  }

  rooms(r: ViolationRow): RoomName[] {
    return this.ref.roomsOf(r.floor_id, r.site_id, r.severity === 'critical');
  }

  async publish(rows: ViolationRow[]) {
    for (const r of rows) {
      try {
        await this.publisher.publish(this.rooms(r), { kind: 'violation', data: toSummary(r) });
      } catch (e) {
        this.log.warn(`could not push violation ${r.id}: ${(e as Error).message}`);
      }
    }
  }

  async list(user: UserPrincipal, q: { unit?: string; scope?: string; status: string; since?: string; waybillNo?: string; ruleId?: string; limit: number }) {
    const room = scopeRoom(user, q.unit ?? q.scope, this.cache);
    const params: unknown[] = [];
    const conds = [roomCondition(room, 'v', params)];
    if (q.status !== 'all') conds.push(`v.status = $${params.push(q.status)}`);
    if (q.since) conds.push(`v.at >= $${params.push(q.since)}`);
    if (q.waybillNo) conds.push(`v.waybill_no = $${params.push(q.waybillNo)}`);
    if (q.ruleId) conds.push(`v.rule_id = $${params.push(q.ruleId)}`);
    return (await this.repo.list(conds.join(' AND '), params, q.limit)).map(toSummary);
  }

  /** A person's own record: what was attributed to them (or to the team they lead). */
  async mine(user: UserPrincipal): Promise<ViolationSummaryV1[]> {
    if (!user.personId) throw new AppError('resource/not_found', `user ${user.username} is not linked to a person record`);
    const rows = await this.repo.list(`(v.person_id = $1 OR v.leader_id = $1)`, [user.personId], 500);
    return rows.map(toSummary);
  }

  async get(user: UserPrincipal, id: string): Promise<ViolationRow> {
    const v = await this.repo.byId(id);
    if (!v || v.status === 'void') throw new AppError('resource/not_found', `no violation ${id}`);
    if (!userCovers(user, { floorId: v.floor_id, siteId: v.site_id, regionId: v.region_id }) && user.personId !== v.person_id && user.personId !== v.leader_id) {
      throw new AppError('auth/out_of_scope', `violation ${id} is outside ${user.role} ${user.scopeId ?? ''}`);
    }
    return v;
  }

  /** Recent violations of a room, for its snapshot. */
  async recentForRoom(room: RoomName, limit = 50) {
    const params: unknown[] = [];
    const where = `${roomCondition(room, 'v', params)} AND v.at > now() - interval '1 day'`;
    return (await this.repo.list(where, params, limit)).map(toSummary);
  }
}
