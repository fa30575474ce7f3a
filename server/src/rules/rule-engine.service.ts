import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventOf, RoomName, VehiclePosition } from '@kanjian/shared';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { APP_CONFIG, type AppConfig } from '../config/config';
import type { StoredEvent } from '../ingest/event-writer';
import { JobsService } from '../jobs/jobs.service';
import { parseJob } from '../jobs/jobs';
import { KpisService } from '../kpis/kpis.service';
import { REDIS, RedisKeys } from '../redis/redis.module';
import { TraceService } from '../trace/trace.service';
import { ViolationsService } from '../violations/violations.service';
import { estimateArrival } from './eta';
import { outOfRange, pickupRules, signedRules, sortingViolationRules, type Th } from './event-rules';
import type { Finding } from './finding';
import { FindingsService } from './findings.service';
import { RulesReference } from './rules-reference.service';
import { DAY_MS, dayStartMs, serviceDay } from './service-day';
import { ThresholdsService } from './thresholds.service';

/** Slack after a deadline before judging it, so facts stored in the same instant are seen. */
const GRACE_MS = 1000;
const SEEN_FLUSH_MS = 500;
const MEMO_MAX = 200_000;
/** A gap in a vehicle's track longer than this ends a run (T3, T5): no data is not evidence either way. */
export const RUN_GAP_MS = 120_000;
/** A position older than this when it arrives was held back (buffered, back-filled), not reported live. */
const LIVE_LAG_MS = 30_000;

export interface DeadlineJob {
  ruleId: string;
  subject: string;
  dueAt: number;
  context: Record<string, unknown>;
  jobId: string;
}

interface Batch {
  rows: StoredEvent[];
  receivedMs: number;
  done: () => void;
}

interface RunState {
  start: number | null;
  last: number;
}

/** A batch's held-back readings of one vehicle that meet a rule's condition. */
interface HeldStretch {
  rule: 'T3' | 'T5';
  vehicleId: string;
  from: number;
  to: number;
  durMs: number;
}

/**
 * A batch's times, parsed once, and the order to step it in: a batch may carry a back-filled stretch after newer
 * readings. A batch already in order, the usual case, gets no index (nothing allocated per position).
 */
function eventOrder(ps: VehiclePosition[]): { ats: Float64Array; order: Uint32Array | null } {
  const ats = new Float64Array(ps.length);
  let sorted = true;
  for (let i = 0; i < ps.length; i++) {
    ats[i] = Date.parse(ps[i]!.at);
    if (i > 0 && ats[i]! < ats[i - 1]!) sorted = false;
  }
  if (sorted) return { ats, order: null };
  const order = Uint32Array.from(ps.keys()).sort((a, b) => ats[a]! - ats[b]! || a - b);
  return { ats, order };
}

interface VehState {
  gen: number;
  refGen: number;
  coldProfile: string;
  homeSiteId: string;
  t5Out: ((tempC: number) => boolean) | null;
  t5Ms: number;
  t3Speed: number;
  t3Ms: number;
  t6EveryMs: number;
  t5: RunState;
  t3: RunState;
  lastEta: number;
}

/**
 * The rules' streaming stage. The ingest writer hands it every newly stored event after commit; positions are
 * judged in process (cheap per-vehicle state: last seen, run starts for T3/T5, an ETA every minute for T6) and
 * everything else is evaluated in order off the request path. Timers go to BullMQ as delayed jobs, so they survive
 * a restart; a crash between commit and evaluation is covered by the checkpoint service's replay.
 */
@Injectable()
export class RuleEngine {
  private readonly log = new Logger(RuleEngine.name);
  private queue: Batch[] = [];
  private working = false;
  private idleWaiters: (() => void)[] = [];
  private seenVehicle = new Map<string, number>();
  private seenCamera = new Map<string, number>();
  private vehicles = new Map<string, VehState>();
  private scheduled = new Set<string>();
  /** Vehicle → its trip in progress (departed, not arrived). */
  private inTransit = new Map<string, { tripId: string; departedMs: number }>();
  private silent = new Set<string>();
  private silentVehicles = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;
  readonly th: Th;

  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly ref: RulesReference,
    private readonly thresholds: ThresholdsService,
    private readonly findings: FindingsService,
    private readonly violations: ViolationsService,
    private readonly alerts: AlertsService,
    private readonly jobs: JobsService,
    private readonly kpis: KpisService,
    private readonly trace: TraceService,
  ) {
    this.th = (ruleId, key, where) => this.thresholds.get(ruleId, key, where);
  }

  async start() {
    const open: { trip_id: string; vehicle_id: string; departed_at: Date }[] = await this.ds.query(
      `SELECT trip_id, vehicle_id, departed_at FROM trip_progress WHERE arrived_at IS NULL AND departed_at > now() - interval '3 days'`,
    );
    for (const r of open) this.inTransit.set(r.vehicle_id, { tripId: r.trip_id, departedMs: new Date(r.departed_at).getTime() });
    this.timers.push(setInterval(() => void this.flushSeen(), SEEN_FLUSH_MS));
    for (const t of this.timers) t.unref();
  }

  /** Evaluates what is queued; gives up after `ms` (what is left is replayed from the checkpoint). */
  async stop(ms = 15_000) {
    for (const t of this.timers) clearInterval(t);
    this.stopping = true;
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, ms).unref())]);
    await this.flushSeen();
  }

  /** Events committed by the ingest writer (already deduplicated). */
  onCommitted(rows: StoredEvent[], receivedMs = Date.now()): Promise<void> {
    const positions: VehiclePosition[] = [];
    const other: StoredEvent[] = [];
    for (const r of rows) {
      if (r.event.type === 'vehicle.position') positions.push(r.event);
      else other.push(r);
      // Positions are judged right away while other events wait their turn: a departure in the same batch must be
      // known first, or T6 would not know the trip of a position that does not name it.
      if (r.event.type === 'vehicle.departed') this.noteDeparture(r.event);
    }
    if (positions.length) {
      try {
        this.onPositions(positions);
      } catch (e) {
        this.log.error(`position rules failed: ${(e as Error).message}`);
      }
    }
    if (other.length === 0) return Promise.resolve();
    return new Promise((done) => {
      this.queue.push({ rows: other, receivedMs, done });
      void this.work();
    });
  }

  /** The oldest batch not yet evaluated (for the checkpoint), or null when idle. */
  oldestPendingMs(): number | null {
    return this.queue[0]?.receivedMs ?? null;
  }

  get backlog(): number {
    return this.queue.reduce((n, b) => n + b.rows.length, 0);
  }

  idle(): Promise<void> {
    if (!this.working && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async work() {
    if (this.working) return;
    this.working = true;
    try {
      while (this.queue.length) {
        const b = this.queue[0]!;
        try {
          await this.evaluate(b.rows);
        } catch (e) {
          // Left to the checkpoint replay: the batch stays the oldest pending until it is retried.
          this.log.error(`rule evaluation failed for ${b.rows.length} events: ${(e as Error).message}`);
          if (this.stopping) break;
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        this.queue.shift();
        b.done();
      }
    } finally {
      this.working = false;
      this.idleWaiters.splice(0).forEach((f) => f());
    }
  }

  // ------------------------------------------------------------------------------------------------------
  // Non-position events

  async evaluate(rows: StoredEvent[]) {
    const events = rows.map((r) => r.event);
    await this.ref.ensure(() =>
      events.every((e) => (!('floorId' in e) || this.ref.floors.has(e.floorId)) && (!('vehicleId' in e) || this.ref.vehicles.has(e.vehicleId))),
    );
    const found: Finding[] = [];
    const deadlines: DeadlineJob[] = [];
    const after: (() => Promise<unknown>)[] = [];
    for (const r of rows) {
      const e = r.event;
      this.dirtyKpis(r);
      switch (e.type) {
        case 'pickup.completed':
          found.push(...pickupRules(e, this.th));
          break;
        case 'sorting.violation':
          found.push(...sortingViolationRules(e, this.th));
          break;
        case 'camera.heartbeat':
          this.seen(this.seenCamera, e.cameraId, Date.parse(e.at));
          if (this.silent.has(`camera:${e.cameraId}`)) after.push(() => this.backOnline('S4', 'camera', e.cameraId));
          break;
        case 'sorting.exception':
          this.sortingException(e, deadlines, after);
          break;
        case 'delivery.out':
          this.deliveryOut(e, deadlines);
          break;
        case 'delivery.signed':
          found.push(...signedRules(e, this.th));
          this.deliverySigned(e, deadlines, after);
          break;
        case 'delivery.call':
          after.push(() => this.voidD1(e));
          break;
        case 'delivery.consent':
          if (e.granted) after.push(() => this.voidD2(e));
          break;
        case 'vehicle.departed':
          found.push(...(await this.departed(e)));
          break;
        case 'vehicle.arrived':
          await this.arrived(e);
          break;
        case 'vehicle.incident':
          found.push(await this.incident(e));
          break;
        case 'complaint.opened':
          await this.complaintOpened(e, deadlines, after, found);
          break;
        case 'complaint.responded':
        case 'complaint.resolved':
          after.push(() => this.complaintProgress(e));
          break;
        default:
          break;
      }
    }
    await this.findings.record(found);
    // State the timers read (complaint responses) is written before they are scheduled: a deadline already past
    // fires at once and must see a response that came in the same batch.
    for (const f of after) await f();
    await this.schedule(deadlines);
  }

  private dirtyKpis(r: StoredEvent) {
    const e = r.event;
    const at = Date.parse(e.at);
    switch (e.type) {
      case 'sorting.scan':
        this.kpis.markDirty('floor', e.floorId, at);
        if (e.sorterId) this.touchPerson(e.sorterId, at);
        break;
      case 'sorting.exception':
        this.kpis.markDirty('floor', e.floorId, at);
        break;
      case 'pickup.completed':
      case 'delivery.signed':
        this.kpis.markDirty('site', e.siteId, at);
        this.touchPerson(e.courierId, at);
        break;
      case 'rating.submitted':
        this.kpis.markDirty('site', e.siteId, at);
        if (e.courierId) this.kpis.markDirty('person', e.courierId, at);
        break;
      case 'waybill.tracking':
        if (r.siteId) this.kpis.markDirty('site', r.siteId, at);
        break;
      default:
        break;
    }
  }

  private touchPerson(personId: string, at: number) {
    this.kpis.markDirty('person', personId, at);
    const team = this.ref.people.get(personId)?.teamId;
    if (team) this.kpis.markDirty('team', team, at);
  }

  private async schedule(ds: DeadlineJob[]) {
    if (ds.length === 0) return;
    const now = Date.now();
    await this.jobs.queues.rules.addBulk(
      ds.map((d) => {
        const data = parseJob('rules', 'deadline', { ruleId: d.ruleId, subject: d.subject, dueAt: new Date(d.dueAt).toISOString(), context: d.context });
        return {
          name: 'deadline',
          data,
          opts: { jobId: d.jobId, delay: Math.max(0, d.dueAt + GRACE_MS - now), attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { count: 5000 }, removeOnFail: { count: 5000 } },
        };
      }),
    );
  }

  private sortingException(e: EventOf<'sorting.exception'>, deadlines: DeadlineJob[], after: (() => Promise<unknown>)[]) {
    const minutes = this.th('S3', 'minutes', { floorId: e.floorId });
    if (e.status === 'detected') {
      deadlines.push({
        ruleId: 'S3',
        subject: `waybill:${e.waybillNo}`,
        dueAt: Date.parse(e.at) + minutes * 60_000,
        context: { eventId: e.id, floorId: e.floorId, waybillNo: e.waybillNo, detectedAt: e.at, staffId: e.staffId ?? null, kind: e.kind },
        jobId: `S3-${e.id}`,
      });
    } else {
      after.push(async () => {
        await this.violations.voidWhere(
          `v.rule_id = 'S3' AND v.waybill_no = $1 AND v.floor_id = $2 AND v.at + make_interval(secs => $3::float8 * 60) >= $4`,
          [e.waybillNo, e.floorId, minutes, e.at],
          `registered at ${e.at}, within ${minutes} min (uploaded late)`,
        );
        await this.alerts.resolveSubject('S3', 'waybill', e.waybillNo, `registered at ${e.at}`);
      });
    }
  }

  private deliveryOut(e: EventOf<'delivery.out'>, deadlines: DeadlineJob[]) {
    const hours = this.th('D5', 'hours', { siteId: e.siteId });
    deadlines.push({
      ruleId: 'D5',
      subject: `waybill:${e.waybillNo}`,
      dueAt: Date.parse(e.at) + hours * 3600_000,
      context: { eventId: e.id, waybillNo: e.waybillNo, outAt: e.at, courierId: e.courierId, siteId: e.siteId },
      jobId: `D5-${e.id}`,
    });
  }

  private deliverySigned(e: EventOf<'delivery.signed'>, deadlines: DeadlineJob[], after: (() => Promise<unknown>)[]) {
    // D1 and D2 wait a moment: the call record or the consent often arrives just after the sign-off.
    const settle = (rule: 'D1' | 'D2') => Date.now() + this.th(rule, 'settleSeconds', { siteId: e.siteId }) * 1000;
    const context = { eventId: e.id, waybillNo: e.waybillNo, signedAt: e.at, courierId: e.courierId, siteId: e.siteId, method: e.method };
    deadlines.push({ ruleId: 'D1', subject: `waybill:${e.waybillNo}`, dueAt: settle('D1'), context, jobId: `D1-${e.id}` });
    if (e.method === 'locker' || e.method === 'station') {
      deadlines.push({ ruleId: 'D2', subject: `waybill:${e.waybillNo}`, dueAt: settle('D2'), context, jobId: `D2-${e.id}` });
    }
    const hours = this.th('D5', 'hours', { siteId: e.siteId });
    after.push(async () => {
      await this.violations.voidWhere(
        `v.rule_id = 'D5' AND v.waybill_no = $1 AND v.at + make_interval(secs => $2::float8 * 3600) >= $3 AND v.at <= $3`,
        [e.waybillNo, hours, e.at],
        `signed at ${e.at}, within ${hours} h (uploaded late)`,
      );
      await this.alerts.resolveSubject('D5', 'waybill', e.waybillNo, `signed at ${e.at}`);
    });
  }

  private voidD1(e: EventOf<'delivery.call'>) {
    const hours = this.th('D1', 'callWithinHours', { siteId: e.siteId });
    return this.violations.voidWhere(
      `v.rule_id = 'D1' AND v.waybill_no = $1 AND v.at >= $2 AND v.at - make_interval(secs => $3::float8 * 3600) <= $2`,
      [e.waybillNo, e.at, hours],
      `call at ${e.at} found (uploaded late)`,
    );
  }

  private voidD2(e: EventOf<'delivery.consent'>) {
    return this.violations.voidWhere(
      `v.rule_id = 'D2' AND v.waybill_no = $1 AND v.at >= $2 AND v.dedupe_key LIKE $3`,
      [e.waybillNo, e.at, `%:${e.dropPoint}`],
      `consent by ${e.channel} at ${e.at} found (uploaded late)`,
    );
  }

  private noteDeparture(e: EventOf<'vehicle.departed'>) {
    const at = Date.parse(e.at);
    const cur = this.inTransit.get(e.vehicleId);
    if (!cur || cur.departedMs <= at) this.inTransit.set(e.vehicleId, { tripId: e.tripId, departedMs: at });
  }

  private async departed(e: EventOf<'vehicle.departed'>): Promise<Finding[]> {
    await this.ds.query(
      `INSERT INTO trip_progress (trip_id, vehicle_id, departed_at, departed_site_id) VALUES ($1,$2,$3,$4)
       ON CONFLICT (trip_id) DO UPDATE SET departed_at = LEAST(coalesce(trip_progress.departed_at, EXCLUDED.departed_at), EXCLUDED.departed_at),
         departed_site_id = coalesce(trip_progress.departed_site_id, EXCLUDED.departed_site_id)`,
      [e.tripId, e.vehicleId, e.at, e.siteId],
    );
    this.noteDeparture(e);
    const trip = await this.ref.trip(e.tripId);
    if (!trip) return [];
    const route = this.ref.routes.get(trip.routeId);
    const origin = route?.originSiteId ?? e.siteId;
    this.kpis.markDirty('site', origin, trip.scheduledDeparture);
    this.kpis.markDirty('route', trip.routeId, trip.scheduledDeparture);
    await this.alerts.resolveSubject('T1', 'trip', e.tripId, `departed at ${e.at}`);
    const late = this.th('T1', 'lateMinutes', { siteId: origin });
    const delayMin = (Date.parse(e.at) - trip.scheduledDeparture) / 60_000;
    if (delayMin <= late) return [];
    return [
      {
        ruleId: 'T1',
        severity: 'warning',
        dedupeKey: `T1:${e.tripId}`,
        at: e.at,
        subjectKind: 'trip',
        subjectId: e.tripId,
        floorId: null,
        siteId: origin,
        waybillNo: null,
        personId: null,
        evidence: [],
        detail: `发车延误 ${delayMin.toFixed(1)} min > ${late} min (${e.vehicleId})`,
        measure: delayMin,
        sourceEventId: e.id,
        violation: true,
        alert: null,
      },
    ];
  }

  private async arrived(e: EventOf<'vehicle.arrived'>) {
    await this.ds.query(
      `INSERT INTO trip_progress (trip_id, vehicle_id, arrived_at, arrived_site_id) VALUES ($1,$2,$3,$4)
       ON CONFLICT (trip_id) DO UPDATE SET arrived_at = coalesce(trip_progress.arrived_at, EXCLUDED.arrived_at), arrived_site_id = coalesce(trip_progress.arrived_site_id, EXCLUDED.arrived_site_id)`,
      [e.tripId, e.vehicleId, e.at, e.siteId],
    );
    if (this.inTransit.get(e.vehicleId)?.tripId === e.tripId) this.inTransit.delete(e.vehicleId);
    await this.alerts.resolveSubject('T6', 'vehicle', e.vehicleId, `arrived at ${e.siteId} ${e.at}`);
    await this.alerts.resolveSubject('T2', 'vehicle', e.vehicleId, `arrived at ${e.siteId} ${e.at}`);
  }

  private async incident(e: EventOf<'vehicle.incident'>): Promise<Finding> {
    const v = this.ref.vehicles.get(e.vehicleId);
    const extra: RoomName[] = [];
    let nextSite: string | null = null;
    const tripId = e.tripId ?? this.inTransit.get(e.vehicleId)?.tripId;
    if (tripId) {
      const trip = await this.ref.trip(tripId);
      nextSite = trip ? (this.ref.routes.get(trip.routeId)?.destSiteId ?? null) : null;
      if (nextSite) {
        extra.push(`site:${nextSite}`);
        const region = this.ref.regionOfSite(nextSite);
        if (region) extra.push(`region:${region}`);
      }
    }
    return {
      ruleId: 'T4',
      severity: 'critical',
      dedupeKey: `T4:${e.id}`,
      at: e.at,
      subjectKind: 'vehicle',
      subjectId: e.vehicleId,
      floorId: null,
      siteId: v?.homeSiteId ?? null,
      waybillNo: null,
      personId: null,
      evidence: e.lat !== undefined && e.lon !== undefined ? [{ kind: 'track', uri: `geo:${e.lat},${e.lon}` }] : [],
      detail: `途中突发 ${e.kind}${e.note ? `: ${e.note}` : ''}${nextSite ? ` → 通知 ${nextSite}` : ''}`,
      sourceEventId: e.id,
      violation: false,
      alert: { level: 'hq', extraRooms: extra, eventAt: e.at },
    };
  }

  private async complaintOpened(e: EventOf<'complaint.opened'>, deadlines: DeadlineJob[], after: (() => Promise<unknown>)[], found: Finding[]) {
    await this.ds.query(
      `INSERT INTO complaints (complaint_id, site_id, waybill_no, category, channel, opened_at, opened_event_id) VALUES ($1,$2,$3,$4,$5,$6,$7)
       ON CONFLICT (complaint_id) DO UPDATE SET site_id = EXCLUDED.site_id, waybill_no = coalesce(EXCLUDED.waybill_no, complaints.waybill_no),
         category = EXCLUDED.category, channel = EXCLUDED.channel, opened_at = EXCLUDED.opened_at, opened_event_id = EXCLUDED.opened_event_id`,
      [e.complaintId, e.siteId, e.waybillNo ?? null, e.category, e.channel, e.at, e.id],
    );
    const at = Date.parse(e.at);
    this.kpis.markDirty('site', e.siteId, at);
    const ctx = { complaintId: e.complaintId, siteId: e.siteId, openedAt: e.at, waybillNo: e.waybillNo ?? null };
    deadlines.push({ ruleId: 'A1', subject: `complaint:${e.complaintId}`, dueAt: at + this.th('A1', 'minutes', { siteId: e.siteId }) * 60_000, context: ctx, jobId: `A1-${e.complaintId}` });
    deadlines.push({ ruleId: 'A2', subject: `complaint:${e.complaintId}`, dueAt: at + this.th('A2', 'hours', { siteId: e.siteId }) * 3600_000, context: ctx, jobId: `A2-${e.complaintId}` });
    if (e.waybillNo) after.push(() => this.trace.attribute(e.complaintId));
    found.push(...(await this.spike(e)));
  }

  /** X3: today's complaints at a site against its own daily average of the days before. */
  private async spike(e: EventOf<'complaint.opened'>): Promise<Finding[]> {
    const where = { siteId: e.siteId };
    const baseDays = Math.max(1, Math.round(this.th('X3', 'baselineDays', where)));
    const d0 = dayStartMs(serviceDay(Date.parse(e.at)));
    const rows: { today: string; before: string }[] = await this.ds.query(
      `SELECT count(*) FILTER (WHERE opened_at >= $2) AS today, count(*) FILTER (WHERE opened_at < $2) AS before FROM complaints
        WHERE site_id = $1 AND opened_at >= $3 AND opened_at < $4`,
      [e.siteId, new Date(d0), new Date(d0 - baseDays * DAY_MS), new Date(d0 + DAY_MS)],
    );
    const today = Number(rows[0]?.today ?? 0);
    const baseline = Number(rows[0]?.before ?? 0) / baseDays;
    const factor = this.th('X3', 'factor', where);
    const minCount = this.th('X3', 'minCount', where);
    if (today < minCount || today < factor * baseline) return [];
    return [
      {
        ruleId: 'X3',
        severity: 'violation',
        dedupeKey: `X3:${e.siteId}:${serviceDay(d0)}`,
        at: e.at,
        subjectKind: 'site',
        subjectId: e.siteId,
        floorId: null,
        siteId: e.siteId,
        waybillNo: null,
        personId: null,
        evidence: [],
        detail: `投诉激增 ${today} today vs baseline ${baseline.toFixed(1)}/day (×${factor}, min ${minCount})`,
        measure: today,
        violation: false,
        alert: {},
      },
    ];
  }

  private async complaintProgress(e: EventOf<'complaint.responded' | 'complaint.resolved'>) {
    const col = e.type === 'complaint.responded' ? 'first_response_at' : 'resolved_at';
    const rows: { opened_at: Date; site_id: string }[] = await this.ds.query(
      `INSERT INTO complaints (complaint_id, site_id, category, channel, opened_at, ${col}) VALUES ($1, $2, 'other', 'app', $3, $3)
       ON CONFLICT (complaint_id) DO UPDATE SET ${col} = LEAST(coalesce(complaints.${col}, EXCLUDED.${col}), EXCLUDED.${col})
         ${e.type === 'complaint.resolved' ? `, outcome = '${e.outcome}', first_response_at = LEAST(coalesce(complaints.first_response_at, EXCLUDED.resolved_at), EXCLUDED.resolved_at)` : ''}
       RETURNING opened_at, site_id`,
      [e.complaintId, e.siteId, e.at],
    );
    const openedMs = new Date(rows[0]!.opened_at).getTime();
    this.kpis.markDirty('site', rows[0]!.site_id, openedMs);
    const at = Date.parse(e.at);
    const a1 = this.th('A1', 'minutes', { siteId: e.siteId }) * 60_000;
    if (at <= openedMs + a1) {
      await this.violations.voidWhere(`v.rule_id = 'A1' AND v.subject_kind = 'complaint' AND v.subject_id = $1`, [e.complaintId], `first response at ${e.at} was in time (uploaded late)`);
    }
    await this.alerts.resolveSubject('A1', 'complaint', e.complaintId, `responded at ${e.at}`);
    if (e.type === 'complaint.resolved') {
      const a2 = this.th('A2', 'hours', { siteId: e.siteId }) * 3600_000;
      if (at <= openedMs + a2) {
        await this.violations.voidWhere(`v.rule_id = 'A2' AND v.subject_kind = 'complaint' AND v.subject_id = $1`, [e.complaintId], `resolved at ${e.at} in time (uploaded late)`);
      }
      await this.alerts.resolveSubject('A2', 'complaint', e.complaintId, `resolved at ${e.at}`);
    }
  }

  private async backOnline(ruleId: 'S4' | 'T2', kind: 'camera' | 'vehicle', id: string) {
    const removed = await this.redis.srem(this.keys.key('rules', 'silent', kind), id);
    if (kind === 'vehicle') this.silentVehicles.delete(id);
    else this.silent.delete(`${kind}:${id}`);
    if (removed) await this.alerts.resolveSubject(ruleId, kind, id, 'reporting again');
  }

  /** The silence sweep tells which devices it alerted on, so their next report resolves the alert. */
  markSilent(kind: 'camera' | 'vehicle', ids: string[]) {
    for (const id of ids) {
      if (kind === 'vehicle') this.silentVehicles.add(id);
      else this.silent.add(`${kind}:${id}`);
    }
  }

  setSilent(kind: 'camera' | 'vehicle', ids: string[]) {
    if (kind === 'vehicle') this.silentVehicles.clear();
    else for (const k of [...this.silent]) if (k.startsWith(`${kind}:`)) this.silent.delete(k);
    this.markSilent(kind, ids);
  }

  inTransitVehicles(): Map<string, { tripId: string; departedMs: number }> {
    return this.inTransit;
  }

  // ------------------------------------------------------------------------------------------------------
  // Positions: T2 (last seen), T3 and T5 (runs), T6 (arrival estimate)

  private seen(map: Map<string, number>, id: string, at: number) {
    const prev = map.get(id);
    if (prev === undefined || at > prev) map.set(id, at);
  }

  private async flushSeen() {
    for (const [kind, map] of [['vehicle', this.seenVehicle], ['camera', this.seenCamera]] as const) {
      if (map.size === 0) continue;
      const entries = [...map];
      map.clear();
      const args: (string | number)[] = [];
      for (const [id, at] of entries) args.push(at, id);
      try {
        // GT: an older report (a back-fill) never moves the last-seen time back.
        await this.redis.zadd(this.keys.key('rules', 'seen', kind), 'GT', ...args);
      } catch (e) {
        this.log.warn(`last-seen flush failed: ${(e as Error).message}`);
        for (const [id, at] of entries) this.seen(map, id, at);
      }
    }
  }

  /** Per-vehicle thresholds and run state, re-resolved only when the overrides change (20,000 positions/s). */
  private vehState(vehicleId: string): VehState | null {
    let st = this.vehicles.get(vehicleId);
    if (st && st.gen === this.thresholds.generation && st.refGen === this.ref.generation) return st;
    const v = this.ref.vehicles.get(vehicleId);
    if (!v) return null;
    const where = { siteId: v.homeSiteId };
    const t5 = (k: string) => this.th('T5', k, where);
    const next: VehState = {
      gen: this.thresholds.generation,
      refGen: this.ref.generation,
      coldProfile: v.coldProfile,
      homeSiteId: v.homeSiteId,
      t5Out: v.coldProfile === 'none' ? null : (temp: number) => outOfRange(temp, v.coldProfile, t5),
      t5Ms: this.th('T5', 'minutes', where) * 60_000,
      t3Speed: this.th('T3', 'speedKmh', where),
      t3Ms: this.th('T3', 'minutes', where) * 60_000,
      t6EveryMs: this.th('T6', 'everySeconds', where) * 1000,
      t5: st?.t5 ?? { start: null, last: 0 },
      t3: st?.t3 ?? { start: null, last: 0 },
      lastEta: st?.lastEta ?? 0,
    };
    this.vehicles.set(vehicleId, next);
    st = next;
    return st;
  }

  private onPositions(ps: VehiclePosition[]) {
    const now = Date.now();
    const held = new Map<string, HeldStretch>();
    const { ats, order } = eventOrder(ps);
    for (let k = 0; k < ps.length; k++) {
      const i = order ? order[k]! : k;
      const p = ps[i]!;
      const at = ats[i]!;
      this.seen(this.seenVehicle, p.vehicleId, at);
      if (this.silentVehicles.has(p.vehicleId) && at > now - 60_000) {
        this.silentVehicles.delete(p.vehicleId);
        void this.backOnline('T2', 'vehicle', p.vehicleId).catch((e) => this.log.warn(`T2 resolve failed: ${String(e)}`));
      }
      const st = this.vehState(p.vehicleId);
      if (!st) continue;
      if (st.t5Out && p.tempC !== undefined) this.runStep('T5', p.vehicleId, st.t5, at, st.t5Out(p.tempC), st.t5Ms, now, held);
      // The geofence is only looked up for slow readings: a moving truck is not stopped anywhere.
      const slow = p.speedKmh < st.t3Speed;
      this.runStep('T3', p.vehicleId, st.t3, at, slow && !this.ref.insideAnySite(p.lat, p.lon), st.t3Ms, now, held);
      if (at - st.lastEta >= st.t6EveryMs && (p.tripId || this.inTransit.has(p.vehicleId))) {
        st.lastEta = at;
        this.eta(p, at, now);
      }
    }
    // A held-back stretch is judged as soon as it is stored: the check re-reads the whole track around it (the live
    // readings after it included), in event-time order, and a run it completes is keyed by the run's true start.
    for (const l of held.values()) this.scheduleRunCheck(l.rule, l.vehicleId, l.from - l.durMs, now - GRACE_MS, now, `l${l.from}-${l.to}`);
  }

  /**
   * Tracks the start of a run of readings meeting a condition; a run start schedules a check at start + duration
   * that looks at the stored track itself (so restarts and several hub instances give the same verdict), and a run
   * still going then is looked at again. Readings that were held back (a back-fill, a terminal's buffer) may come
   * after a check already read the track without them: older than the vehicle's latest, or older than
   * `LIVE_LAG_MS` on arrival, a batch's readings meeting the condition make one stretch, checked at once.
   */
  private runStep(rule: 'T3' | 'T5', vehicleId: string, st: RunState, at: number, cond: boolean, durMs: number, now: number, stretches: Map<string, HeldStretch>) {
    const held = at < st.last || at < now - LIVE_LAG_MS;
    if (at >= st.last) {
      // A gap in the track ends a run, as the check sees it: what follows starts a run of its own.
      if (!cond || at - st.last > RUN_GAP_MS) st.start = null;
      st.last = at;
      if (cond && st.start === null) {
        st.start = at;
        if (!held) this.scheduleRunCheck(rule, vehicleId, at - durMs, at + durMs, now, `s${at}`);
      }
    }
    if (!held || !cond) return;
    const key = `${rule}|${vehicleId}`;
    const l = stretches.get(key);
    if (!l) stretches.set(key, { rule, vehicleId, from: at, to: at, durMs });
    else {
      l.from = Math.min(l.from, at);
      l.to = Math.max(l.to, at);
    }
  }

  private scheduleRunCheck(rule: 'T3' | 'T5', vehicleId: string, from: number, due: number, now: number, tag: string) {
    const jobId = `${rule}-${vehicleId}-${tag}`;
    if (this.scheduled.has(jobId)) return;
    if (this.scheduled.size > MEMO_MAX) this.scheduled.clear();
    this.scheduled.add(jobId);
    void this.jobs
      .add('rules', 'deadline', { ruleId: rule, subject: `vehicle:${vehicleId}`, dueAt: new Date(due).toISOString(), context: { vehicleId, from: new Date(from).toISOString() } }, jobId, {
        delay: Math.max(0, due + GRACE_MS - now),
      })
      .catch((e) => {
        this.scheduled.delete(jobId);
        this.log.warn(`could not schedule ${jobId}: ${(e as Error).message}`);
      });
  }

  private eta(p: VehiclePosition, at: number, now: number) {
    const transit = this.inTransit.get(p.vehicleId);
    const tripId = p.tripId ?? transit?.tripId;
    if (!tripId) return;
    const trip = this.ref.trips.get(tripId);
    const route = trip ? this.ref.routes.get(trip.routeId) : undefined;
    if (!trip || !route || route.path.pts.length < 2) return;
    const est = estimateArrival({
      path: route.path,
      lat: p.lat,
      lon: p.lon,
      atMs: at,
      scheduledDepartureMs: trip.scheduledDeparture,
      scheduledArrivalMs: trip.scheduledArrival,
    });
    const late = this.th('T6', 'lateMinutes', { siteId: route.destSiteId });
    const lateMin = (est.etaMs - trip.scheduledArrival) / 60_000;
    if (lateMin <= late || at < now - 3600_000) return;
    const dest = route.destSiteId;
    const region = this.ref.regionOfSite(dest);
    void this.findings
      .record([
        {
          ruleId: 'T6',
          severity: 'warning',
          dedupeKey: `T6:${tripId}`,
          at: p.at,
          subjectKind: 'vehicle',
          subjectId: p.vehicleId,
          floorId: null,
          siteId: dest,
          waybillNo: null,
          personId: null,
          evidence: [{ kind: 'track', uri: `geo:${p.lat},${p.lon}` }],
          detail: `预计晚到 ${lateMin.toFixed(0)} min (ETA ${new Date(est.etaMs).toISOString()}, ${(est.remainingM / 1000).toFixed(0)} km left, trip ${tripId})`,
          measure: lateMin,
          violation: false,
          alert: { level: 'site', extraRooms: region ? [`region:${region}`] : [] },
        },
      ])
      .catch((e) => this.log.warn(`T6 failed: ${(e as Error).message}`));
  }

  /** Cargo-temperature condition per reading, as the run check re-reads the track. */
  conditionFor(rule: 'T3' | 'T5', vehicleId: string): ((r: { speed_kmh: number; lat: number; lon: number; temp_c: number | null }) => boolean) | null {
    const v = this.ref.vehicles.get(vehicleId);
    if (!v) return null;
    const where = { siteId: v.homeSiteId };
    if (rule === 'T5') {
      if (v.coldProfile === 'none') return null;
      return (r) => r.temp_c !== null && outOfRange(r.temp_c, v.coldProfile, (k) => this.th('T5', k, where));
    }
    const speed = this.th('T3', 'speedKmh', where);
    return (r) => r.speed_kmh < speed && !this.ref.insideAnySite(r.lat, r.lon);
  }

  get rulesEnabled() {
    return this.config.KJ_RULES_ENABLED;
  }
}
