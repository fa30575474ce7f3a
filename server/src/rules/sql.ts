import type { DataSource, EntityManager } from 'typeorm';

/** TypeORM answers UPDATE/DELETE … RETURNING as [rows, rowCount] and everything else as rows: this returns rows. */
export async function returning<T>(db: DataSource | EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const r = await db.query(sql, params);
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') return r[0] as T[];
  return r as T[];
}
