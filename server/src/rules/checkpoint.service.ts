import { Inject, Injectable, Logger } from '@nestjs/common';
import { parseIngestEvent } from '@kanjian/shared';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';
import type { StoredEvent } from '../ingest/event-writer';
import { RuleEngine } from './rule-engine.service';

const BEAT_MS = 2000;
/** A checkpoint not beaten for this long belongs to a hub that died: its recent events are evaluated again. */
const DEAD_AFTER_S = 15;
/** Margin for transactions that started before the clock reading and committed after it. */
const MARGIN_MS = 60_000;
const PAGE = 2000;

/**
 * Makes the in-process rule stage lose nothing. Each hub instance records, every two seconds, a time before
 * which every event it committed has been evaluated. When an instance dies (its record goes stale), another one
 * — or the same hub when it starts again — evaluates every event received since that time once more; evaluation
 * is idempotent (violations by dedupe key, alerts one per rule and subject, timers by job id), so twice is the
 * same as once.
 */
@Injectable()
export class CheckpointService {
  private readonly log = new Logger(CheckpointService.name);
  private timer: NodeJS.Timeout | null = null;
  private recovering = false;

  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly engine: RuleEngine,
  ) {}

  async start() {
    await this.beat();
    await this.recover();
    let n = 0;
    this.timer = setInterval(() => {
      void this.beat().catch((e) => this.log.warn(`checkpoint failed: ${(e as Error).message}`));
      if (++n % 15 === 0) void this.recover().catch((e) => this.log.warn(`recovery failed: ${(e as Error).message}`));
      // Replays reach back minutes, not months: old keys of alert-only findings can go.
      if (n % 1800 === 0) void this.ds.query(`DELETE FROM rule_finding_keys WHERE at < now() - interval '30 days'`).catch(() => undefined);
    }, BEAT_MS);
    this.timer.unref();
  }

  /** After a clean stop nothing is pending: the record goes, and nobody replays this instance's events. */
  async stop() {
    if (this.timer) clearInterval(this.timer);
    if (this.engine.backlog === 0) await this.ds.query(`DELETE FROM rules_checkpoints WHERE instance_id = $1`, [this.config.instanceId]).catch(() => undefined);
    else await this.beat().catch(() => undefined);
  }

  private async beat() {
    const safe = (this.engine.oldestPendingMs() ?? Date.now()) - MARGIN_MS;
    await this.ds.query(
      `INSERT INTO rules_checkpoints (instance_id, safe_before, beat_at) VALUES ($1, $2, now())
       ON CONFLICT (instance_id) DO UPDATE SET safe_before = EXCLUDED.safe_before, beat_at = now()`,
      [this.config.instanceId, new Date(safe)],
    );
  }

  async recover(): Promise<number> {
    if (this.recovering) return 0;
    this.recovering = true;
    try {
      const dead: { instance_id: string; safe_before: Date }[] = await this.ds.query(
        `DELETE FROM rules_checkpoints WHERE instance_id <> $1 AND beat_at < now() - make_interval(secs => $2) RETURNING instance_id, safe_before`,
        [this.config.instanceId, DEAD_AFTER_S],
      ).then((r: unknown) => (Array.isArray(r) && Array.isArray(r[0]) ? r[0] : r) as { instance_id: string; safe_before: Date }[]);
      let n = 0;
      for (const d of dead) {
        this.log.warn(`hub ${d.instance_id} stopped without finishing; evaluating events received since ${new Date(d.safe_before).toISOString()} again`);
        n += await this.replay(new Date(d.safe_before));
      }
      return n;
    } finally {
      this.recovering = false;
    }
  }

  private async replay(since: Date): Promise<number> {
    let cursor = { at: since.toISOString(), id: '00000000-0000-0000-0000-000000000000' };
    let n = 0;
    for (;;) {
      // The cursor keeps PostgreSQL's microseconds as text: a JS Date would round them to milliseconds and the
      // page's last row would compare greater than itself, so the same page came back for ever.
      const rows: { id: string; received_at: string; subject_kind: string; subject_id: string; site_id: string | null; waybill_no: string | null; payload: unknown }[] =
        await this.ds.query(
          `SELECT id, received_at::text AS received_at, subject_kind, subject_id, site_id, waybill_no, payload FROM events
            WHERE (received_at, id) > ($1::timestamptz, $2::uuid) ORDER BY received_at, id LIMIT ${PAGE}`,
          [cursor.at, cursor.id],
        );
      if (rows.length === 0) return n;
      const batch: StoredEvent[] = [];
      for (const r of rows) {
        const p = parseIngestEvent(r.payload);
        if (p.ok) batch.push({ event: p.event, subjectKind: r.subject_kind, subjectId: r.subject_id, siteId: r.site_id, waybillNo: r.waybill_no });
      }
      await this.engine.onCommitted(batch);
      n += batch.length;
      const last = rows[rows.length - 1]!;
      cursor = { at: last.received_at, id: last.id };
    }
  }
}
