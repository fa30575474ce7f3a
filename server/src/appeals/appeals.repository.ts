import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { returning } from '../rules/sql';
import type { ViolationRow } from '../violations/violations.repository';

export interface AppealRow {
  id: string;
  violation_id: string;
  status: 'pending' | 'upheld' | 'dismissed';
  note: string;
  by_user: string;
  by_person: string | null;
  at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  reason: string | null;
}

@Injectable()
export class AppealsRepository {
  constructor(private readonly ds: DataSource) {}

  transaction<T>(f: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(f);
  }

  async create(m: EntityManager, violationId: string, note: string, byUser: string, byPerson: string | null): Promise<AppealRow> {
    const rows = await m.query(
      `INSERT INTO appeals (violation_id, note, by_user, by_person) VALUES ($1,$2,$3,$4) RETURNING *`,
      [violationId, note, byUser, byPerson],
    );
    return rows[0];
  }

  async byId(id: string, m: EntityManager | DataSource = this.ds, lock = false): Promise<AppealRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const rows = await m.query(`SELECT * FROM appeals WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  }

  async decide(m: EntityManager, id: string, status: 'upheld' | 'dismissed', by: string, reason: string): Promise<AppealRow | null> {
    const rows = await returning<AppealRow>(
      m,
      `UPDATE appeals SET status = $2, decided_by = $3, decided_at = now(), reason = $4 WHERE id = $1 AND status = 'pending' RETURNING *`,
      [id, status, by, reason],
    );
    return rows[0] ?? null;
  }

  list(where: string, params: unknown[], limit: number): Promise<(AppealRow & { v: ViolationRow })[]> {
    return this.ds.query(
      `SELECT a.*, to_jsonb(v.*) AS v FROM appeals a JOIN violations v ON v.id = a.violation_id WHERE ${where} ORDER BY a.at DESC LIMIT ${Number(limit)}`,
      params,
    );
  }
}
