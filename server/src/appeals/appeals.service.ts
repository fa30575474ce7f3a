import { Injectable } from '@nestjs/common';
import type { AppealSummary } from '@kanjian/shared';
import type { UserPrincipal } from '../auth/principal';
import { AppError } from '../common/errors';
import { ReferenceCache } from '../network/reference-cache.service';
import { roomCondition, scopeRoom, userCovers } from '../rules/unit-scope';
import { toSummary, type ViolationRow, ViolationsRepository } from '../violations/violations.repository';
import { ViolationsService } from '../violations/violations.service';
import { type AppealRow, AppealsRepository } from './appeals.repository';

function toAppeal(a: AppealRow, v: ViolationRow): AppealSummary {
  return {
    id: a.id,
    violationId: a.violation_id,
    status: a.status,
    note: a.note,
    by: a.by_user,
    at: new Date(a.at).toISOString(),
    decidedBy: a.decided_by,
    decidedAt: a.decided_at ? new Date(a.decided_at).toISOString() : null,
    reason: a.reason,
    violation: toSummary(v),
  };
}

/**
 * Appeals (监控不是盯着扣钱): the person a violation is attributed to, their leader, or the manager of their floor
 * or site on their behalf, appeals with a note; a reviewer above the floor upholds or dismisses it with a reason.
 * A dismissed violation leaves every KPI.
 */
@Injectable()
export class AppealsService {
  constructor(
    private readonly repo: AppealsRepository,
    private readonly violationsRepo: ViolationsRepository,
    private readonly violations: ViolationsService,
    private readonly cache: ReferenceCache,
  ) {}

  private covers(user: UserPrincipal, v: ViolationRow) {
    return userCovers(user, { floorId: v.floor_id, siteId: v.site_id, regionId: v.region_id });
  }

  async file(user: UserPrincipal, violationId: string, note: string): Promise<AppealSummary> {
    const v = await this.violationsRepo.byId(violationId);
    if (!v || v.status === 'void') throw new AppError('resource/not_found', `no violation ${violationId}`);
    const own = user.personId !== null && (user.personId === v.person_id || user.personId === v.leader_id);
    const manager = (user.role === 'floor' || user.role === 'site') && this.covers(user, v);
    if (!own && !manager) {
      throw new AppError('auth/forbidden', `only the person violation ${violationId} is attributed to, their leader or their floor/site manager may appeal it`);
    }
    if (v.status !== 'open') throw new AppError('resource/conflict', `violation ${violationId} is ${v.status}; only an open violation can be appealed`);
    const a = await this.repo
      .transaction(async (m) => {
        const locked: ViolationRow[] = await m.query(`SELECT * FROM violations WHERE id = $1 FOR UPDATE`, [violationId]);
        if (locked[0]?.status !== 'open') throw new AppError('resource/conflict', `violation ${violationId} is ${locked[0]?.status}; only an open violation can be appealed`);
        const row = await this.repo.create(m, violationId, note, user.username, user.personId);
        await this.violationsRepo.setStatus(violationId, 'appealed', m);
        return row;
      })
      .catch((e: { code?: string }) => {
        if (e.code === '23505') throw new AppError('resource/conflict', `violation ${violationId} already has a pending appeal`);
        throw e;
      });
    const updated = { ...v, status: 'appealed' as const };
    await this.violations.publish([updated]);
    return toAppeal(a, updated);
  }

  async decide(user: UserPrincipal, appealId: string, decision: 'upheld' | 'dismissed', reason: string): Promise<AppealSummary> {
    const existing = await this.repo.byId(appealId);
    if (!existing) throw new AppError('resource/not_found', `no appeal ${appealId}`);
    const v = await this.violationsRepo.byId(existing.violation_id);
    if (!v) throw new AppError('resource/not_found', `no violation ${existing.violation_id}`);
    if (user.role === 'floor' || !this.covers(user, v)) throw new AppError('auth/forbidden', `a ${user.role} user may not decide appeal ${appealId}`);
    if (existing.by_user === user.username) throw new AppError('auth/forbidden', 'an appeal is decided by someone other than who filed it');
    const a = await this.repo.transaction(async (m) => {
      const row = await this.repo.decide(m, appealId, decision, user.username, reason);
      if (!row) throw new AppError('resource/conflict', `appeal ${appealId} is already decided`);
      await this.violationsRepo.setStatus(v.id, decision, m);
      return row;
    });
    const updated = { ...v, status: decision };
    this.violations.touchKpis(updated);
    await this.violations.publish([updated]);
    return toAppeal(a, updated);
  }

  async list(user: UserPrincipal, status: string | undefined, scope: string | undefined): Promise<AppealSummary[]> {
    const room = scopeRoom(user, scope, this.cache);
    const params: unknown[] = [];
    const conds = [roomCondition(room, 'v', params)];
    if (status && status !== 'all') conds.push(`a.status = $${params.push(status)}`);
    const rows = await this.repo.list(conds.join(' AND '), params, 500);
    return rows.map((r) => toAppeal(r, r.v));
  }
}
