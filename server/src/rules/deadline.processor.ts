import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RuleId } from '@kanjian/shared';
import { type Job, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { JobsService } from '../jobs/jobs.service';
import { parseJob } from '../jobs/jobs';
import type { Finding } from './finding';
import { FindingsService } from './findings.service';
import { RuleEngine, RUN_GAP_MS } from './rule-engine.service';
import { RulesReference } from './rules-reference.service';
import { ViolationsService } from '../violations/violations.service';

interface Reading {
  at: Date;
  speed_kmh: number;
  lat: number;
  lon: number;
  temp_c: number | null;
}

const LOOKBACK_STEP_MS = 3600_000;
const LOOKBACK_MAX_MS = 24 * 3600_000;

/**
 * The rules' timers: BullMQ delayed jobs (stored in Redis, so they fire after a restart). Each one re-reads the
 * stored facts when it fires: "did the response / the call / the registration happen by the deadline?", "how long
 * did the excursion last?". A fact uploaded late that shows the lapse did not happen withdraws the violation.
 */
@Injectable()
export class DeadlineProcessor {
  private readonly log = new Logger(DeadlineProcessor.name);
  private worker: Worker | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly findings: FindingsService,
    private readonly alerts: AlertsService,
    private readonly engine: RuleEngine,
    private readonly ref: RulesReference,
    private readonly jobs: JobsService,
    private readonly violations: ViolationsService,
  ) {}

  start() {
    this.worker = new Worker('rules', (job: Job) => this.process(job), {
      connection: { url: this.config.KJ_REDIS_URL, maxRetriesPerRequest: null },
      prefix: `${this.config.KJ_REDIS_PREFIX}:bull`,
      concurrency: 4,
    });
    this.worker.on('error', (e) => this.log.warn(`rules worker: ${e.message}`));
    this.worker.on('failed', (job, e) => this.log.warn(`rules job ${job?.id} failed: ${e.message}`));
  }

  async stop() {
    await this.worker?.close();
  }

  async process(job: Job): Promise<string> {
    if (job.name === 'escalate') {
      const d = parseJob('rules', 'escalate', job.data);
      return (await this.alerts.escalateDue(d.alertId, d.level)) ? 'escalated' : 'not due';
    }
    if (job.name !== 'deadline') return 'ignored';
    const d = parseJob('rules', 'deadline', job.data);
    const c = d.context as Record<string, string | null>;
    const due = new Date(d.dueAt);
    let check: () => Promise<Finding | null>;
    switch (d.ruleId) {
      case 'A1':
      case 'A2':
        check = () => this.complaint(d.ruleId as 'A1' | 'A2', c, due);
        break;
      case 'S3':
        check = () => this.exception(c, due);
        break;
      case 'D1':
        check = () => this.call(c);
        break;
      case 'D2':
        check = () => this.consent(c);
        break;
      case 'D5':
        check = () => this.outTooLong(c, due);
        break;
      case 'T3':
      case 'T5':
        return this.runCheck(d.ruleId, c.vehicleId!, new Date(c.from!), job);
      default:
        return `unknown rule ${d.ruleId}`;
    }
    const f = await check();
    if (!f) return 'in time';
    await this.findings.record([f]);
    // The awaited fact may have been stored while this was judged, and its own evaluation found nothing to
    // withdraw yet: look once more now that the violation is stored.
    if (!(await check())) {
      await this.violations.voidWhere(`v.dedupe_key = $1`, [f.dedupeKey], 'the awaited record arrived while the deadline was judged');
      if (f.alert) await this.alerts.resolveSubject(f.ruleId, f.alert.subjectKind ?? f.subjectKind, f.alert.subjectId ?? f.subjectId, 'the awaited record arrived');
      return 'in time (late)';
    }
    return 'fired';
  }

  private base(ruleId: RuleId, c: Record<string, string | null>, extra: Partial<Finding>): Finding {
    return {
      ruleId,
      severity: 'violation',
      dedupeKey: `${ruleId}:${c.eventId ?? c.complaintId}`,
      at: (c.signedAt ?? c.openedAt ?? c.detectedAt ?? c.outAt)!,
      subjectKind: 'courier',
      subjectId: c.courierId ?? '',
      floorId: null,
      siteId: c.siteId ?? null,
      waybillNo: c.waybillNo ?? null,
      personId: c.courierId ?? null,
      evidence: [],
      detail: '',
      sourceEventId: c.eventId ?? null,
      violation: true,
      ...extra,
    };
  }

  private async complaint(ruleId: 'A1' | 'A2', c: Record<string, string | null>, due: Date): Promise<Finding | null> {
    const col = ruleId === 'A1' ? 'first_response_at' : 'resolved_at';
    const rows: Record<string, Date | null>[] = await this.ds.query(`SELECT ${col} AS t FROM complaints WHERE complaint_id = $1`, [c.complaintId]);
    const t = rows[0]?.t;
    if (t && new Date(t) <= due) return null;
    return this.base(ruleId, c, {
      severity: ruleId === 'A1' ? 'warning' : 'violation',
      subjectKind: 'complaint',
      subjectId: c.complaintId!,
      personId: null,
      detail: ruleId === 'A1' ? `投诉 ${c.complaintId} 未在 ${due.toISOString()} 前首次响应` : `投诉 ${c.complaintId} 未在 ${due.toISOString()} 前解决`,
      alert: { subjectKind: 'complaint', subjectId: c.complaintId! },
    });
  }

  private async exception(c: Record<string, string | null>, due: Date): Promise<Finding | null> {
    const rows = await this.ds.query(
      `SELECT 1 FROM events WHERE waybill_no = $1 AND type = 'sorting.exception' AND payload->>'status' = 'registered' AND at >= $2 AND at <= $3 LIMIT 1`,
      [c.waybillNo, c.detectedAt, due],
    );
    if (rows.length) return null;
    return this.base('S3', c, {
      severity: 'warning',
      subjectKind: 'floor',
      subjectId: c.floorId!,
      floorId: c.floorId!,
      siteId: this.ref.siteOfFloor(c.floorId),
      personId: c.staffId ?? null,
      detail: `异常件 ${c.waybillNo} (${c.kind}) 未在 ${due.toISOString()} 前登记`,
      alert: { subjectKind: 'waybill', subjectId: c.waybillNo! },
    });
  }

  private async call(c: Record<string, string | null>): Promise<Finding | null> {
    const hours = this.engine.th('D1', 'callWithinHours', { siteId: c.siteId });
    const rows = await this.ds.query(
      `SELECT 1 FROM events WHERE waybill_no = $1 AND type = 'delivery.call' AND at <= $2 AND at >= $2::timestamptz - make_interval(secs => $3::float8 * 3600) LIMIT 1`,
      [c.waybillNo, c.signedAt, hours],
    );
    if (rows.length) return null;
    return this.base('D1', c, { detail: `派送前 ${hours} h 内未电联 no call within ${hours} h before delivery` });
  }

  private async consent(c: Record<string, string | null>): Promise<Finding | null> {
    const rows = await this.ds.query(
      `SELECT 1 FROM events WHERE waybill_no = $1 AND type = 'delivery.consent' AND (payload->>'granted')::boolean AND payload->>'dropPoint' = $3 AND at <= $2 LIMIT 1`,
      [c.waybillNo, c.signedAt, c.method],
    );
    if (rows.length) return null;
    return this.base('D2', c, { dedupeKey: `D2:${c.eventId}:${c.method}`, detail: `未经同意放${c.method === 'locker' ? '快递柜' : '驿站'} no consent to a ${c.method} drop` });
  }

  private async outTooLong(c: Record<string, string | null>, due: Date): Promise<Finding | null> {
    const rows = await this.ds.query(`SELECT 1 FROM events WHERE waybill_no = $1 AND type = 'delivery.signed' AND at >= $2 AND at <= $3 LIMIT 1`, [c.waybillNo, c.outAt, due]);
    if (rows.length) return null;
    return this.base('D5', c, { severity: 'warning', detail: `派送超时: out since ${c.outAt}, not signed by ${due.toISOString()}`, alert: { subjectKind: 'waybill', subjectId: c.waybillNo! } });
  }

  /**
   * T3/T5: reads the vehicle's stored track from `from`, extends it back to the true start of a run, and records
   * every run of readings meeting the condition that lasted at least the rule's duration (its length is the
   * measure, so excursion minutes add up). A run still going at the end of the track is checked again later.
   */
  private async runCheck(rule: 'T3' | 'T5', vehicleId: string, from: Date, job: Job): Promise<string> {
    const cond = this.engine.conditionFor(rule, vehicleId);
    if (!cond) return 'not applicable';
    const v = this.ref.vehicles.get(vehicleId)!;
    const durMs = this.engine.th(rule, 'minutes', { siteId: v.homeSiteId }) * 60_000;
    const read = (a: Date, b: Date): Promise<Reading[]> =>
      this.ds.query(
        `SELECT at, speed_kmh, lat, lon, temp_c FROM vehicle_positions WHERE vehicle_id = $1 AND at >= $2 AND at < $3 ORDER BY at`,
        [vehicleId, a, b],
      );
    let start = from.getTime();
    const end = Math.min(Date.now(), start + LOOKBACK_MAX_MS);
    let track = await read(new Date(start), new Date(end + 1));
    // Walk back while the track starts inside a run, so a long run is keyed by its true start.
    while (track.length && cond(track[0]!) && from.getTime() - start < LOOKBACK_MAX_MS) {
      const earlier = await read(new Date(start - LOOKBACK_STEP_MS), new Date(start));
      if (earlier.length === 0) break;
      start -= LOOKBACK_STEP_MS;
      track = [...earlier, ...track];
    }
    const runs: { a: Reading; b: Reading }[] = [];
    let cur: { a: Reading; b: Reading } | null = null;
    for (const r of track) {
      const ok = cond(r);
      if (ok && cur && r.at.getTime() - cur.b.at.getTime() <= RUN_GAP_MS) cur.b = r;
      else if (ok) {
        if (cur) runs.push(cur);
        cur = { a: r, b: r };
      } else if (cur) {
        runs.push(cur);
        cur = null;
      }
    }
    const open = cur;
    if (cur) runs.push(cur);
    const found: Finding[] = [];
    for (const run of runs) {
      const ms = run.b.at.getTime() - run.a.at.getTime();
      if (ms < durMs) continue;
      const minutes = ms / 60_000;
      const temp = run.a.temp_c;
      found.push({
        ruleId: rule,
        severity: rule === 'T5' ? 'violation' : 'warning',
        dedupeKey: `${rule}:${vehicleId}:${run.a.at.toISOString()}`,
        at: run.a.at.toISOString(),
        subjectKind: 'vehicle',
        subjectId: vehicleId,
        floorId: null,
        siteId: v.homeSiteId,
        waybillNo: null,
        personId: null,
        evidence: [{ kind: 'track', uri: `track:${vehicleId}/${run.a.at.toISOString()}/${run.b.at.toISOString()}` }],
        detail:
          rule === 'T5'
            ? `冷链温度超限 ${minutes.toFixed(1)} min (${v.coldProfile}, from ${temp ?? '?'} °C)`
            : `异常停车 ${minutes.toFixed(1)} min at ${run.a.lat.toFixed(4)},${run.a.lon.toFixed(4)}`,
        measure: Math.round(minutes * 100) / 100,
        violation: true,
        alert: {},
      });
    }
    if (found.length) await this.findings.record(found);
    for (const run of runs) {
      if (run.b.at.getTime() - run.a.at.getTime() < durMs) continue;
      // The same run judged before from part of its track (its beginning was back-filled later) was stored under
      // a later start: one run, one violation, so its minutes are counted once.
      await this.violations.voidWhere(
        `v.rule_id = $1 AND v.subject_id = $2 AND v.subject_kind = 'vehicle' AND v.at > $3 AND v.at <= $4`,
        [rule, vehicleId, run.a.at, run.b.at],
        `part of the run from ${run.a.at.toISOString()} (its earlier track arrived later)`,
      );
    }
    if (open && Date.now() - open.b.at.getTime() < RUN_GAP_MS) {
      // Still in the run: look again once it could have grown by another duration.
      const again = Math.max(durMs, 5000);
      await this.jobs.add('rules', 'deadline', { ...job.data, context: { vehicleId, from: open.a.at.toISOString() } }, `${rule}-${vehicleId}-s${open.a.at.getTime()}-f${Date.now()}`, { delay: again });
    } else if (!open && runs.length && found.length === 0) {
      return 'short';
    }
    if (!open && track.length && !cond(track[track.length - 1]!)) await this.alerts.resolveSubject(rule, 'vehicle', vehicleId, 'back to normal');
    return found.length ? 'fired' : 'no run';
  }
}
