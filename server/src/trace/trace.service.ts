import { Injectable } from '@nestjs/common';
import type { ComplaintSummary, StageName, WaybillTrace } from '@kanjian/shared';
import type { UserPrincipal } from '../auth/principal';
import { AppError } from '../common/errors';
import { ReferenceCache } from '../network/reference-cache.service';
import { RulesReference } from '../rules/rules-reference.service';
import { ThresholdsService } from '../rules/thresholds.service';
import { scopeRoom, userCovers } from '../rules/unit-scope';
import { toSummary, type ViolationRow, ViolationsRepository } from '../violations/violations.repository';
import { type ComplaintRow, TraceRepository } from './trace.repository';
import { actorOf, attributeStage, evidenceOf, stageOf, summaryOf } from './trace-stages';

@Injectable()
export class TraceService {
  constructor(
    private readonly repo: TraceRepository,
    private readonly violations: ViolationsRepository,
    private readonly ref: RulesReference,
    private readonly cache: ReferenceCache,
    private readonly thresholds: ThresholdsService,
  ) {}

  complaintSummary(c: ComplaintRow): ComplaintSummary {
    const opened = new Date(c.opened_at).getTime();
    const a1 = this.thresholds.get('A1', 'minutes', { siteId: c.site_id });
    const a2 = this.thresholds.get('A2', 'hours', { siteId: c.site_id });
    return {
      id: c.complaint_id,
      waybillNo: c.waybill_no,
      siteId: c.site_id,
      regionId: this.ref.regionOfSite(c.site_id),
      category: c.category as ComplaintSummary['category'],
      channel: c.channel as ComplaintSummary['channel'],
      status: c.resolved_at ? 'resolved' : c.first_response_at ? 'responded' : 'open',
      openedAt: new Date(c.opened_at).toISOString(),
      firstResponseAt: c.first_response_at ? new Date(c.first_response_at).toISOString() : null,
      resolvedAt: c.resolved_at ? new Date(c.resolved_at).toISOString() : null,
      firstResponseDueAt: new Date(opened + a1 * 60_000).toISOString(),
      resolutionDueAt: new Date(opened + a2 * 3600_000).toISOString(),
      attributedStage: (c.attributed_stage as StageName | null) ?? null,
    };
  }

  /** Every record of a parcel across the five stages in time order, with evidence, violations and complaints. */
  async trace(user: UserPrincipal, waybillNo: string): Promise<WaybillTrace> {
    if (!/^[A-Za-z0-9]{8,24}$/.test(waybillNo)) throw new AppError('request/invalid', 'waybill number must be 8–24 letters or digits');
    const [facts, complaints, violations] = await Promise.all([
      this.repo.facts(waybillNo),
      this.repo.complaintsOfWaybill(waybillNo),
      this.violations.list(`v.waybill_no = $1`, [waybillNo], 200),
    ]);
    if (facts.length === 0 && complaints.length === 0) throw new AppError('resource/not_found', `no record of waybill ${waybillNo}`);
    if (user.role !== 'hq') {
      const sites = new Set([...facts.map((f) => f.siteId), ...complaints.map((c) => c.site_id)].filter((s): s is string => !!s));
      const visible = [...sites].some((s) => userCovers(user, { floorId: null, siteId: s, regionId: this.ref.regionOfSite(s) }));
      const floorVisible = user.role === 'floor' && facts.some((f) => f.payload.floorId === user.scopeId);
      if (!visible && !floorVisible) throw new AppError('auth/out_of_scope', `waybill ${waybillNo} never passed through ${user.role} ${user.scopeId ?? ''}`);
    }
    return {
      waybillNo,
      records: facts.map((f) => ({
        id: f.id,
        at: f.at.toISOString(),
        stage: stageOf(f),
        type: f.type,
        siteId: f.siteId,
        actorId: actorOf(f.payload),
        summary: summaryOf(f),
        evidence: evidenceOf(f.payload),
      })),
      violations: violations.map(toSummary),
      complaints: complaints.map((c) => this.complaintSummary(c)),
      attributions: complaints
        .filter((c) => c.attributed_stage)
        .map((c) => ({ complaintId: c.complaint_id, stage: c.attributed_stage as StageName, reason: c.attribution_reason ?? '' })),
    };
  }

  /** Rule A3: links a new complaint to its parcel's trace and stores the stage most likely at fault. */
  async attribute(complaintId: string): Promise<{ stage: StageName; reason: string } | null> {
    const c = await this.repo.complaint(complaintId);
    if (!c?.waybill_no) return null;
    const [facts, violations] = await Promise.all([this.repo.facts(c.waybill_no), this.violations.list(`v.waybill_no = $1`, [c.waybill_no], 200)]);
    const r = attributeStage(
      c.category,
      facts,
      violations.map((v: ViolationRow) => ({ ruleId: v.rule_id, stage: v.stage, severity: v.severity, at: new Date(v.at), detail: v.detail })),
      new Date(c.opened_at),
    );
    await this.repo.setAttribution(complaintId, r.stage, r.reason);
    return r;
  }

  async complaints(user: UserPrincipal, status: string, scope: string | undefined): Promise<ComplaintSummary[]> {
    const room = scopeRoom(user, scope, this.cache);
    const params: unknown[] = [];
    const conds: string[] = [];
    if (room !== 'hq') {
      const [kind, id] = [room.slice(0, room.indexOf(':')), room.slice(room.indexOf(':') + 1)];
      if (kind === 'floor') return [];
      conds.push(kind === 'site' ? `c.site_id = $${params.push(id)}` : `s.region_id = $${params.push(id)}`);
    }
    if (status === 'open') conds.push('c.resolved_at IS NULL');
    else if (status === 'resolved') conds.push('c.resolved_at IS NOT NULL');
    const rows = await this.repo.listComplaints(conds.length ? conds.join(' AND ') : 'TRUE', params, 500);
    return rows.map((c) => this.complaintSummary(c));
  }
}
