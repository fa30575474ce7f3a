import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface OverrideRow {
  scope_kind: 'site' | 'floor';
  scope_id: string;
  rule_id: string;
  key: string;
  value: number;
}

@Injectable()
export class ThresholdsRepository {
  constructor(private readonly ds: DataSource) {}

  all(): Promise<OverrideRow[]> {
    return this.ds.query(`SELECT scope_kind, scope_id, rule_id, key, value FROM rule_thresholds`);
  }

  /** Applies changes and writes one audit row per change, in one transaction. */
  async apply(scopeKind: 'site' | 'floor', scopeId: string, changes: { ruleId: string; key: string; value: number | null }[], by: string, note: string | null) {
    await this.ds.transaction(async (m) => {
      for (const c of changes) {
        const old: { value: number }[] = await m.query(
          `SELECT value FROM rule_thresholds WHERE scope_kind = $1 AND scope_id = $2 AND rule_id = $3 AND key = $4 FOR UPDATE`,
          [scopeKind, scopeId, c.ruleId, c.key],
        );
        if (c.value === null) {
          await m.query(`DELETE FROM rule_thresholds WHERE scope_kind = $1 AND scope_id = $2 AND rule_id = $3 AND key = $4`, [scopeKind, scopeId, c.ruleId, c.key]);
        } else {
          await m.query(
            `INSERT INTO rule_thresholds (scope_kind, scope_id, rule_id, key, value, updated_by) VALUES ($1,$2,$3,$4,$5,$6)
             ON CONFLICT (scope_kind, scope_id, rule_id, key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
            [scopeKind, scopeId, c.ruleId, c.key, c.value, by],
          );
        }
        await m.query(
          `INSERT INTO rule_threshold_audit (scope_kind, scope_id, rule_id, key, old_value, new_value, changed_by, note) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
          [scopeKind, scopeId, c.ruleId, c.key, old[0]?.value ?? null, c.value, by, note],
        );
      }
    });
  }

  audit(scopes: { kind: string; id: string }[], limit = 100) {
    if (scopes.length === 0) return Promise.resolve([]);
    const cond = scopes.map((_, i) => `(scope_kind = $${2 * i + 1} AND scope_id = $${2 * i + 2})`).join(' OR ');
    return this.ds.query(
      `SELECT scope_kind, scope_id, rule_id, key, old_value, new_value, changed_by, changed_at, note FROM rule_threshold_audit
        WHERE ${cond} ORDER BY changed_at DESC, id DESC LIMIT ${Number(limit)}`,
      scopes.flatMap((s) => [s.kind, s.id]),
    ) as Promise<Record<string, unknown>[]>;
  }
}
