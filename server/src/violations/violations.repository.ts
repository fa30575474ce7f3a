import { Injectable } from '@nestjs/common';
import type { ViolationSummaryV1 } from '@kanjian/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { returning } from '../rules/sql';

export interface ViolationRow {
  id: string;
  dedupe_key: string;
  rule_id: string;
  stage: string;
  severity: ViolationSummaryV1['severity'];
  subject_kind: string;
  subject_id: string;
  floor_id: string | null;
  site_id: string | null;
  region_id: string | null;
  waybill_no: string | null;
  person_id: string | null;
  leader_id: string | null;
  team_id: string | null;
  responsible_kind: string;
  responsible: string | null;
  evidence: { kind: string; uri: string }[];
  at: Date;
  detected_at: Date;
  status: 'open' | 'appealed' | 'upheld' | 'dismissed' | 'void';
  detail: string;
  measure: number | null;
  source_event_id: string | null;
  inserted?: boolean;
}

export type NewViolation = Omit<ViolationRow, 'id' | 'detected_at' | 'status' | 'inserted' | 'at'> & { at: string };

const COLS: [string, string][] = [
  ['dedupe_key', 'text'], ['rule_id', 'text'], ['stage', 'text'], ['severity', 'text'], ['subject_kind', 'text'], ['subject_id', 'text'],
  ['floor_id', 'text'], ['site_id', 'text'], ['region_id', 'text'], ['waybill_no', 'text'], ['person_id', 'text'], ['leader_id', 'text'],
  ['team_id', 'text'], ['responsible_kind', 'text'], ['responsible', 'text'], ['evidence', 'jsonb'], ['at', 'timestamptz'], ['detail', 'text'],
  ['measure', 'float8'], ['source_event_id', 'uuid'],
];

export function toSummary(r: ViolationRow): ViolationSummaryV1 {
  return {
    id: r.id,
    ruleId: r.rule_id,
    stage: r.stage,
    severity: r.severity,
    subjectKind: r.subject_kind,
    subjectId: r.subject_id,
    floorId: r.floor_id,
    siteId: r.site_id,
    waybillNo: r.waybill_no,
    responsible: r.responsible,
    evidence: r.evidence ?? [],
    at: new Date(r.at).toISOString(),
    status: r.status === 'void' ? 'dismissed' : r.status,
    detail: r.detail,
  };
}

@Injectable()
export class ViolationsRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Stores violations once per dedupe key. A run that grew (a longer excursion) updates the stored measure.
   * Returns the rows that are new or changed.
   */
  async insert(rows: NewViolation[]): Promise<ViolationRow[]> {
    if (rows.length === 0) return [];
    const names = COLS.map((c) => c[0]);
    return this.ds.query(
      `INSERT INTO violations (${names.join(', ')})
       SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${COLS.map(([n, t]) => `${n} ${t}`).join(', ')})
       ON CONFLICT (dedupe_key) DO UPDATE SET measure = EXCLUDED.measure, detail = EXCLUDED.detail, updated_at = now()
         WHERE EXCLUDED.measure IS NOT NULL AND EXCLUDED.measure > coalesce(violations.measure, '-infinity'::float8) AND violations.status <> 'void'
       RETURNING *, (xmax = 0) AS inserted`,
      [JSON.stringify(rows)],
    );
  }

  async byId(id: string, m: EntityManager | DataSource = this.ds): Promise<ViolationRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const rows = await m.query(`SELECT * FROM violations WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async list(where: string, params: unknown[], limit: number): Promise<ViolationRow[]> {
    return this.ds.query(`SELECT * FROM violations v WHERE v.status <> 'void' AND ${where} ORDER BY v.at DESC, v.id LIMIT ${Number(limit)}`, params);
  }

  /**
   * Withdraws violations that late data shows were not lapses after all (the call was made in time but uploaded
   * afterwards): they leave every list and KPI, with the reason kept.
   */
  async voidWhere(where: string, params: unknown[], reason: string): Promise<ViolationRow[]> {
    params.push(reason);
    return returning<ViolationRow>(
      this.ds,
      `UPDATE violations v SET status = 'void', void_reason = $${params.length}, updated_at = now()
        WHERE v.status IN ('open','appealed') AND ${where} RETURNING *`,
      params,
    );
  }

  async setStatus(id: string, status: ViolationRow['status'], m: EntityManager | DataSource = this.ds) {
    await m.query(`UPDATE violations SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
  }
}
