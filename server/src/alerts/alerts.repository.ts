import { Injectable } from '@nestjs/common';
import type { AlertSummaryV1 } from '@kanjian/shared';
import { DataSource } from 'typeorm';
import { returning } from '../rules/sql';
import type { AlertLevel } from '../rules/finding';

/** What a rule supplies to open (or re-trigger) an alert. */
export interface NewAlert {
  rule_id: string;
  subject_kind: string;
  subject_id: string;
  floor_id: string | null;
  site_id: string | null;
  region_id: string | null;
  extra_rooms: string[];
  severity: AlertSummaryV1['severity'];
  level: AlertLevel;
  title: string;
  detail: string;
  event_at: string;
  violation_id: string | null;
}

/** An alert as stored: what the rule supplied, plus its lifecycle. */
export interface AlertRow extends Omit<NewAlert, 'event_at'> {
  id: string;
  status: AlertSummaryV1['status'];
  event_at: Date;
  opened_at: Date;
  last_trigger_at: Date;
  trigger_count: number;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  escalated_at: Date | null;
  notified_at: Date | null;
  inserted?: boolean;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toAlertSummary(a: AlertRow): AlertSummaryV1 {
  return {
    id: a.id,
    ruleId: a.rule_id,
    subjectKind: a.subject_kind,
    subjectId: a.subject_id,
    siteId: a.site_id,
    regionId: a.region_id,
    severity: a.severity,
    level: a.level,
    status: a.status,
    title: a.title,
    openedAt: new Date(a.opened_at).toISOString(),
    acknowledgedAt: iso(a.acknowledged_at),
    acknowledgedBy: a.acknowledged_by,
    resolvedAt: iso(a.resolved_at),
    resolvedBy: a.resolved_by,
  };
}

@Injectable()
export class AlertsRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Opens an alert, or re-triggers the unresolved one of the same (rule, subject). The partial unique index makes
   * this one atomic statement: concurrent triggers end on one row.
   */
  async upsert(a: NewAlert): Promise<AlertRow> {
    const rows: AlertRow[] = await this.ds.query(
      `INSERT INTO alerts (rule_id, subject_kind, subject_id, floor_id, site_id, region_id, extra_rooms, severity, level, title, detail, event_at, violation_id)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
       ON CONFLICT (rule_id, subject_kind, subject_id) WHERE status <> 'resolved'
       DO UPDATE SET trigger_count = alerts.trigger_count + 1, last_trigger_at = now(), detail = EXCLUDED.detail
       RETURNING *, (xmax = 0) AS inserted`,
      [a.rule_id, a.subject_kind, a.subject_id, a.floor_id, a.site_id, a.region_id, a.extra_rooms, a.severity, a.level, a.title, a.detail, a.event_at, a.violation_id],
    );
    const r = rows[0]!;
    if (r.inserted) await this.log(r.id, 'opened', 'system', r.level, a.detail);
    return r;
  }

  async byId(id: string): Promise<AlertRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const rows = await this.ds.query(`SELECT * FROM alerts WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async open(ruleId: string, subjectKind: string, subjectId: string): Promise<AlertRow | null> {
    const rows = await this.ds.query(`SELECT * FROM alerts WHERE rule_id = $1 AND subject_kind = $2 AND subject_id = $3 AND status <> 'resolved'`, [ruleId, subjectKind, subjectId]);
    return rows[0] ?? null;
  }

  async ack(id: string, by: string, note: string | null): Promise<AlertRow | null> {
    const rows = await returning<AlertRow>(
      this.ds,
      `UPDATE alerts SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1 AND status = 'open' RETURNING *`,
      [id, by],
    );
    if (rows[0]) await this.log(id, 'acknowledged', by, rows[0].level, note);
    return rows[0] ?? null;
  }

  async resolve(id: string, by: string, note: string | null): Promise<AlertRow | null> {
    const rows = await returning<AlertRow>(
      this.ds,
      `UPDATE alerts SET status = 'resolved', resolved_at = now(), resolved_by = $2, resolution_note = $3 WHERE id = $1 AND status <> 'resolved' RETURNING *`,
      [id, by, note],
    );
    if (rows[0]) await this.log(id, 'resolved', by, rows[0].level, note);
    return rows[0] ?? null;
  }

  /** Moves an alert one level up if it is still at `from` (a timer and a person racing move it once). */
  async escalate(id: string, from: AlertLevel, to: AlertLevel, by: string, onlyUnacknowledged: boolean): Promise<AlertRow | null> {
    const rows = await returning<AlertRow>(
      this.ds,
      `UPDATE alerts SET level = $3, escalated_at = now() WHERE id = $1 AND level = $2 AND status ${onlyUnacknowledged ? `= 'open'` : `<> 'resolved'`} RETURNING *`,
      [id, from, to],
    );
    if (rows[0]) await this.log(id, 'escalated', by, to, `${from} → ${to}`);
    return rows[0] ?? null;
  }

  async markNotified(id: string): Promise<void> {
    await this.ds.query(`UPDATE alerts SET notified_at = coalesce(notified_at, now()) WHERE id = $1`, [id]);
  }

  async list(where: string, params: unknown[], limit: number): Promise<AlertRow[]> {
    return this.ds.query(`SELECT * FROM alerts a WHERE ${where} ORDER BY a.opened_at DESC LIMIT ${Number(limit)}`, params);
  }

  private async log(alertId: string, action: string, by: string, level: string | null, note: string | null) {
    await this.ds.query(`INSERT INTO alert_log (alert_id, action, by, level, note) VALUES ($1,$2,$3,$4,$5)`, [alertId, action, by, level, note]);
  }
}
