import { Injectable, Logger } from '@nestjs/common';
import { parseRoom, RULES, type AlertSummaryV1, type RoomName } from '@kanjian/shared';
import type { UserPrincipal } from '../auth/principal';
import { AppError } from '../common/errors';
import { JobsService } from '../jobs/jobs.service';
import { KpisService } from '../kpis/kpis.service';
import { ReferenceCache } from '../network/reference-cache.service';
import { NotificationsService } from '../notifications/notifications.service';
import { LivePublisher } from '../realtime/live-publisher';
import { type AlertLevel, type Finding, LEVELS } from '../rules/finding';
import { ESCALATION } from '../rules/rule-catalogue';
import { RulesReference } from '../rules/rules-reference.service';
import { ThresholdsService } from '../rules/thresholds.service';
import { roomCondition, scopeRoom, userCovers } from '../rules/unit-scope';
import { type AlertRow, AlertsRepository, toAlertSummary } from './alerts.repository';

const ESC_KEY: Record<Exclude<AlertLevel, 'hq'>, string> = { floor: 'floorMinutes', site: 'siteMinutes', region: 'regionMinutes' };

/** The rooms that see an alert: its unit's chain from the floor up to the level it has reached, plus extras. */
export function alertRooms(a: Pick<AlertRow, 'floor_id' | 'site_id' | 'region_id' | 'level' | 'extra_rooms'>): RoomName[] {
  const reach = LEVELS.indexOf(a.level);
  const rooms: RoomName[] = [];
  if (a.floor_id) rooms.push(`floor:${a.floor_id}`);
  if (reach >= 1 && a.site_id) rooms.push(`site:${a.site_id}`);
  if (reach >= 2 && a.region_id) rooms.push(`region:${a.region_id}`);
  if (reach >= 3) rooms.push('hq');
  for (const r of a.extra_rooms ?? []) if (!rooms.includes(r as RoomName)) rooms.push(r as RoomName);
  return rooms;
}

@Injectable()
export class AlertsService {
  private readonly log = new Logger(AlertsService.name);

  constructor(
    private readonly repo: AlertsRepository,
    private readonly ref: RulesReference,
    private readonly cache: ReferenceCache,
    private readonly thresholds: ThresholdsService,
    private readonly publisher: LivePublisher,
    private readonly notifications: NotificationsService,
    private readonly jobs: JobsService,
    private readonly kpis: KpisService,
  ) {}

  /** Opens (or re-triggers) the alert of a finding; a new one is pushed, notified and given its escalation timer. */
  async raise(f: Finding, violationId: string | null): Promise<AlertRow> {
    const spec = f.alert ?? {};
    const siteId = f.siteId ?? this.ref.siteOfFloor(f.floorId);
    const level: AlertLevel = spec.level ?? (f.floorId ? 'floor' : 'site');
    const row = await this.repo.upsert({
      rule_id: f.ruleId,
      subject_kind: spec.subjectKind ?? f.subjectKind,
      subject_id: spec.subjectId ?? f.subjectId,
      floor_id: f.floorId,
      site_id: siteId,
      region_id: this.ref.regionOfSite(siteId),
      extra_rooms: spec.extraRooms ?? [],
      severity: f.severity === 'info' ? 'warning' : f.severity,
      level,
      title: spec.title ?? `${f.ruleId} ${RULES[f.ruleId].title.zh} · ${f.detail}`.slice(0, 300),
      detail: f.detail,
      event_at: spec.eventAt ?? f.at,
      violation_id: violationId,
    });
    if (row.inserted) await this.announce(row, 'opened');
    return row;
  }

  private async announce(row: AlertRow, reason: string) {
    const rooms = alertRooms(row);
    const summary = toAlertSummary(row);
    try {
      await this.publisher.publish(rooms, { kind: 'alert', data: summary });
      if (rooms.includes('hq') || row.rule_id === 'T4') {
        await this.repo.markNotified(row.id);
        if (row.site_id) this.kpis.markDirty('site', row.site_id, new Date(row.event_at).getTime());
      }
    } catch (e) {
      this.log.warn(`could not push alert ${row.id}: ${(e as Error).message}`);
    }
    await this.notifications.fanOut(summary, rooms, reason).catch((e) => this.log.warn(`notification fan-out failed for ${row.id}: ${(e as Error).message}`));
    await this.scheduleEscalation(row);
  }

  private async scheduleEscalation(row: AlertRow) {
    if (row.level === 'hq' || row.status !== 'open') return;
    const minutes = this.thresholds.get(ESCALATION, ESC_KEY[row.level], { floorId: row.floor_id, siteId: row.site_id });
    await this.jobs.add('rules', 'escalate', { alertId: row.id, level: row.level }, `esc-${row.id}-${row.level}`, {
      delay: Math.max(0, Math.round(minutes * 60_000)),
    });
  }

  /** The escalation timer fired: an alert still unacknowledged at that level moves up. */
  async escalateDue(alertId: string, level: AlertLevel): Promise<boolean> {
    const next = LEVELS[LEVELS.indexOf(level) + 1];
    if (!next) return false;
    const row = await this.repo.escalate(alertId, level, next, 'system', true);
    if (!row) return false;
    await this.announce(row, `escalated:${next}`);
    return true;
  }

  async resolveSubject(ruleId: string, subjectKind: string, subjectId: string, note: string): Promise<boolean> {
    const open = await this.repo.open(ruleId, subjectKind, subjectId);
    if (!open) return false;
    const row = await this.repo.resolve(open.id, 'system', note);
    if (row) await this.publisher.publish(alertRooms(row), { kind: 'alert', data: toAlertSummary(row) }).catch(() => undefined);
    return row !== null;
  }

  async act(user: UserPrincipal, id: string, action: 'ack' | 'resolve' | 'escalate', note: string | null): Promise<AlertSummaryV1> {
    const a = await this.repo.byId(id);
    if (!a) throw new AppError('resource/not_found', `no alert ${id}`);
    if (!userCovers(user, { floorId: a.floor_id, siteId: a.site_id, regionId: a.region_id }) && !a.extra_rooms.some((r) => this.userInRoom(user, r))) {
      throw new AppError('auth/out_of_scope', `alert ${id} is outside ${user.role} ${user.scopeId ?? ''}`);
    }
    let row: AlertRow | null;
    if (action === 'ack') {
      if (a.status !== 'open') throw new AppError('resource/conflict', `alert ${id} is ${a.status}, not open`);
      row = await this.repo.ack(id, user.username, note);
    } else if (action === 'resolve') {
      if (a.status === 'resolved') throw new AppError('resource/conflict', `alert ${id} is already resolved`);
      row = await this.repo.resolve(id, user.username, note);
    } else {
      const next = LEVELS[LEVELS.indexOf(a.level) + 1];
      if (!next || a.status === 'resolved') throw new AppError('resource/conflict', `alert ${id} cannot be escalated (${a.status} at ${a.level})`);
      row = await this.repo.escalate(id, a.level, next, user.username, false);
      if (row) {
        await this.announce(row, `escalated:${next}`);
        return toAlertSummary(row);
      }
    }
    if (!row) throw new AppError('resource/conflict', `alert ${id} changed meanwhile; reload it`);
    await this.publisher.publish(alertRooms(row), { kind: 'alert', data: toAlertSummary(row) }).catch(() => undefined);
    return toAlertSummary(row);
  }

  private userInRoom(user: UserPrincipal, room: string): boolean {
    const r = parseRoom(room as RoomName);
    if (user.role === 'hq') return true;
    if (r.kind === 'hq') return false;
    const site = r.kind === 'site' ? r.id : r.kind === 'floor' ? this.ref.siteOfFloor(r.id) : null;
    return userCovers(user, { floorId: r.kind === 'floor' ? r.id : null, siteId: site, regionId: r.kind === 'region' ? r.id : this.ref.regionOfSite(site) });
  }

  /** SQL selecting the alerts a room sees (the same set its deltas carry). */
  roomWhere(room: RoomName, params: unknown[]): string {
    const r = parseRoom(room);
    params.push(room);
    const extra = `$${params.length} = ANY(a.extra_rooms)`;
    if (r.kind === 'hq') return `(a.level = 'hq' OR ${extra})`;
    params.push(r.id);
    const p = `$${params.length}`;
    if (r.kind === 'floor') return `(a.floor_id = ${p} OR ${extra})`;
    if (r.kind === 'site') return `((a.site_id = ${p} AND a.level IN ('site','region','hq')) OR ${extra})`;
    return `((a.region_id = ${p} AND a.level IN ('region','hq')) OR ${extra})`;
  }

  async list(user: UserPrincipal, q: { status: string; scope?: string; ruleId?: string; within?: boolean; limit: number }): Promise<AlertSummaryV1[]> {
    const room = scopeRoom(user, q.scope, this.cache);
    const params: unknown[] = [];
    const conds = [q.within ? roomCondition(room, 'a', params) : this.roomWhere(room, params)];
    if (q.status === 'open') conds.push(`a.status = 'open'`);
    else if (q.status === 'unresolved') conds.push(`a.status <> 'resolved'`);
    else if (q.status !== 'all') conds.push(`a.status = $${params.push(q.status)}`);
    if (q.ruleId) conds.push(`a.rule_id = $${params.push(q.ruleId)}`);
    return (await this.repo.list(conds.join(' AND '), params, q.limit)).map(toAlertSummary);
  }

  async unresolvedForRoom(room: RoomName): Promise<AlertSummaryV1[]> {
    const params: unknown[] = [];
    return (await this.repo.list(`${this.roomWhere(room, params)} AND a.status <> 'resolved'`, params, 500)).map(toAlertSummary);
  }
}
