import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import type { ViolationRow } from '../violations/violations.repository';
import { ViolationsService } from '../violations/violations.service';
import type { Finding } from './finding';
import { ALERT_ONLY, RAISES_ALERT } from './rule-catalogue';
import { RulesReference } from './rules-reference.service';
import { DAY_MS, dayStartMs, serviceDay } from './service-day';
import { ThresholdsService } from './thresholds.service';

/** Records what the rules found: violations once per lapse, alerts once per (rule, subject), then the patterns. */
@Injectable()
export class FindingsService {
  private readonly log = new Logger(FindingsService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly violations: ViolationsService,
    private readonly alerts: AlertsService,
    private readonly ref: RulesReference,
    private readonly thresholds: ThresholdsService,
  ) {}

  async record(findings: Finding[]): Promise<Map<string, ViolationRow>> {
    if (findings.length === 0) return new Map();
    for (const f of findings) if (ALERT_ONLY.has(f.ruleId)) f.violation = false;
    const stored = await this.violations.record(findings);
    const alertOnly = findings.filter((f) => !f.violation && f.alert !== null);
    const fresh = new Set<string>();
    if (alertOnly.length) {
      const rows: { dedupe_key: string }[] = await this.ds.query(
        `INSERT INTO rule_finding_keys (dedupe_key, rule_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING RETURNING dedupe_key`,
        [alertOnly.map((f) => f.dedupeKey), alertOnly.map((f) => f.ruleId)],
      );
      for (const r of rows) fresh.add(r.dedupe_key);
    }
    for (const f of findings) {
      if (f.alert === null || (!RAISES_ALERT.has(f.ruleId) && !f.alert)) continue;
      const v = stored.get(f.dedupeKey);
      // A finding already recorded before (a retry, a replay after a crash) has already raised its alert.
      if (f.violation ? !v?.inserted : !fresh.has(f.dedupeKey)) continue;
      try {
        await this.alerts.raise(f, v?.id ?? null);
      } catch (e) {
        this.log.error(`alert for ${f.dedupeKey} failed: ${(e as Error).message}`);
      }
    }
    const added = [...stored.values()].filter((v) => v.inserted);
    if (added.length) await this.patterns(added).catch((e) => this.log.error(`pattern rules failed: ${(e as Error).message}`));
    return stored;
  }

  /** X1 (P1 lapses at a station on N consecutive days) and X2 (a person's repeated violations). */
  private async patterns(fresh: ViolationRow[]) {
    const x1 = new Set<string>();
    const x2 = new Set<string>();
    for (const v of fresh) {
      if (v.rule_id === 'P1' && v.site_id) x1.add(`${v.site_id}|${serviceDay(new Date(v.at).getTime())}`);
      if (v.person_id && (v.severity === 'violation' || v.severity === 'critical')) x2.add(v.person_id);
    }
    const found: Finding[] = [];
    for (const key of x1) {
      const [siteId, day] = key.split('|') as [string, string];
      const days = Math.max(1, Math.round(this.thresholds.get('X1', 'days', { siteId })));
      const d0 = dayStartMs(day);
      const rows: { day: string }[] = await this.ds.query(
        `SELECT DISTINCT to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day FROM violations
          WHERE rule_id = 'P1' AND site_id = $1 AND status NOT IN ('dismissed','void') AND at >= $2 AND at < $3`,
        [siteId, new Date(d0 - (days - 1) * DAY_MS), new Date(d0 + days * DAY_MS)],
      );
      const have = new Set(rows.map((r) => r.day));
      // Any run of `days` consecutive days that includes this day.
      for (let end = 0; end < days; end++) {
        let ok = true;
        for (let k = 0; k < days && ok; k++) ok = have.has(serviceDay(d0 + (end - k) * DAY_MS));
        if (!ok) continue;
        const last = serviceDay(d0 + end * DAY_MS);
        found.push({
          ruleId: 'X1',
          severity: 'violation',
          dedupeKey: `X1:${siteId}:${last}`,
          at: new Date(d0 + end * DAY_MS).toISOString(),
          subjectKind: 'site',
          subjectId: siteId,
          floorId: null,
          siteId,
          waybillNo: null,
          personId: null,
          evidence: [],
          detail: `连续 ${days} 日未验视收件 P1 lapses on ${days} consecutive days up to ${last}`,
          violation: false,
          alert: { level: 'region' },
        });
        break;
      }
    }
    for (const personId of x2) {
      const p = this.ref.people.get(personId);
      const siteId = p?.siteId ?? null;
      const days = this.thresholds.get('X2', 'days', { siteId });
      const count = this.thresholds.get('X2', 'count', { siteId });
      const rows: { n: string }[] = await this.ds.query(
        `SELECT count(*) AS n FROM violations WHERE person_id = $1 AND severity IN ('violation','critical')
          AND status NOT IN ('dismissed','void') AND at > now() - make_interval(secs => $2::float8 * 86400)`,
        [personId, days],
      );
      const n = Number(rows[0]?.n ?? 0);
      if (n < count) continue;
      found.push({
        ruleId: 'X2',
        severity: 'warning',
        dedupeKey: `X2:${personId}:${n}`,
        at: new Date().toISOString(),
        subjectKind: 'person',
        subjectId: personId,
        floorId: p?.floorId ?? null,
        siteId,
        waybillNo: null,
        personId,
        evidence: [],
        detail: `${days} 天内 ${n} 次违规: 辅导 coaching task for ${personId}`,
        violation: false,
        alert: {},
      });
    }
    if (found.length) await this.record(found);
  }
}
