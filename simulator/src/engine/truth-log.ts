import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RULES, type RuleId } from '@kanjian/shared';
import { addDays, DAY_MS, dayOf } from '../core/time';
import type { TruthEntry } from './types';

/**
 * The ground truth: every violation the simulator produced on purpose, once. Appended as NDJSON so an
 * end-to-end test (or a person) can compare it with what the hub raised; ids make a restart's regenerated
 * window harmless.
 */
export class TruthLog {
  private readonly seen = new Set<string>();
  private buffer: string[] = [];
  readonly counts = new Map<RuleId, number>();

  constructor(private readonly path: string | null) {
    if (path && existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const t = JSON.parse(line) as TruthEntry;
        this.seen.add(t.id);
        this.counts.set(t.rule, (this.counts.get(t.rule) ?? 0) + 1);
      }
    }
  }

  /** Records an entry; false when it was already recorded. */
  add(t: TruthEntry): boolean {
    if (this.seen.has(t.id)) return false;
    this.seen.add(t.id);
    this.counts.set(t.rule, (this.counts.get(t.rule) ?? 0) + 1);
    if (this.path) this.buffer.push(JSON.stringify(t));
    return true;
  }

  flush(): void {
    if (!this.path || this.buffer.length === 0) return;
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, this.buffer.join('\n') + '\n');
    this.buffer = [];
  }

  static read(path: string): TruthEntry[] {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as TruthEntry);
  }
}

/**
 * The pattern rules follow from the primary lapses, so they are derived from the log rather than planned, with
 * the hub's semantics:
 * - X2: each violation (severity violation or critical) of a person that brings their count over the last
 *   `days` days to `count` or more; one entry per (person, count);
 * - X1: a station with P1 lapses on `days` consecutive service days, once per run's last day.
 * X3 (complaint spike) is planned and logged directly.
 */
export function derivePatternTruths(entries: readonly TruthEntry[]): TruthEntry[] {
  const out: TruthEntry[] = [];
  const sorted = [...entries].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id));
  const { count, days } = RULES.X2.defaults;
  const windows = new Map<string, number[]>();
  const x2 = new Set<string>();
  for (const t of sorted) {
    if (!t.personId || (t.severity !== 'violation' && t.severity !== 'critical') || t.rule.startsWith('X')) continue;
    const at = Date.parse(t.at);
    const w = (windows.get(t.personId) ?? []).filter((x) => x > at - days * DAY_MS);
    w.push(at);
    windows.set(t.personId, w);
    const id = `X2:${t.personId}:${w.length}`;
    if (w.length >= count && !x2.has(id)) {
      x2.add(id);
      out.push({ id, rule: 'X2', severity: RULES.X2.severity, at: t.at, dueAt: t.dueAt, subject: { kind: 'person', id: t.personId }, personId: t.personId, siteId: t.siteId, derived: true, detail: { count: w.length } });
    }
  }
  const p1Days = new Map<string, Map<string, TruthEntry>>();
  for (const t of sorted) {
    if (t.rule !== 'P1' || !t.siteId) continue;
    const d = dayOf(Date.parse(t.at));
    const m = p1Days.get(t.siteId) ?? new Map<string, TruthEntry>();
    if (!m.has(d)) m.set(d, t);
    p1Days.set(t.siteId, m);
  }
  const need = RULES.X1.defaults.days;
  for (const [site, m] of p1Days) {
    for (const [d, first] of [...m].sort(([a], [b]) => a.localeCompare(b))) {
      let run = true;
      for (let k = 1; k < need; k++) run &&= m.has(addDays(d, -k));
      if (run) out.push({ id: `X1:${site}:${d}`, rule: 'X1', severity: RULES.X1.severity, at: first.at, dueAt: first.dueAt, subject: { kind: 'site', id: site }, siteId: site, derived: true, detail: { days: need } });
    }
  }
  return out;
}

