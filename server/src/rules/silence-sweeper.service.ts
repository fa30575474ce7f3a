import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { RedisKeys, REDIS } from '../redis/redis.module';
import type { Finding } from './finding';
import { FindingsService } from './findings.service';
import { RuleEngine } from './rule-engine.service';
import { RulesReference } from './rules-reference.service';
import { ThresholdsService } from './thresholds.service';

const MIN_TICK_MS = 250;
const MAX_TICK_MS = 5000;

/**
 * Absence rules over many devices at once: T2 (an in-transit vehicle silent), S4 (a camera without heartbeat) and
 * T1's "not departed yet". The last-seen times live in Redis sorted sets and the trips in the database, so a
 * sweep after a restart sees exactly what one before it would have; a Redis lock lets one hub instance sweep per
 * tick. The tick follows the smallest threshold in force (a quarter of it, 0.25–5 s).
 */
@Injectable()
export class SilenceSweeper {
  private readonly log = new Logger(SilenceSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private current: Promise<void> | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly thresholds: ThresholdsService,
    private readonly ref: RulesReference,
    private readonly findings: FindingsService,
    private readonly engine: RuleEngine,
  ) {}

  async start() {
    this.engine.setSilent('vehicle', await this.redis.smembers(this.keys.key('rules', 'silent', 'vehicle')));
    this.engine.setSilent('camera', await this.redis.smembers(this.keys.key('rules', 'silent', 'camera')));
    this.loop();
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }

  private tickMs(): number {
    const s = Math.min(this.thresholds.minimum('T2', 'silentSeconds'), this.thresholds.minimum('S4', 'silentSeconds'), this.thresholds.minimum('T1', 'lateMinutes') * 60);
    return Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, (s * 1000) / 4));
  }

  private loop() {
    if (this.stopped) return;
    const ms = this.tickMs();
    this.timer = setTimeout(() => {
      this.current = this.sweep(ms)
        .catch((e) => this.log.warn(`sweep failed: ${(e as Error).message}`))
        .finally(() => {
          this.current = null;
          this.loop();
        });
    }, ms);
    this.timer.unref();
  }

  async sweep(tickMs = 1000): Promise<void> {
    const got = await this.redis.set(this.keys.key('rules', 'sweep', 'lock'), '1', 'PX', Math.max(200, tickMs - 50), 'NX');
    if (got !== 'OK') return;
    await this.silence('vehicle');
    await this.silence('camera');
    await this.notDeparted();
  }

  private async silence(kind: 'vehicle' | 'camera') {
    const rule = kind === 'vehicle' ? 'T2' : 'S4';
    const now = Date.now();
    const minMs = this.thresholds.minimum(rule, 'silentSeconds') * 1000;
    const key = this.keys.key('rules', 'seen', kind);
    // Devices silent for over a day are someone's known outage, not news: they stay alerted and out of the scan.
    const raw = await this.redis.zrangebyscore(key, now - 86_400_000, now - minMs, 'WITHSCORES', 'LIMIT', 0, 5000);
    if (raw.length === 0) return;
    const already = new Set(await this.redis.smembers(this.keys.key('rules', 'silent', kind)));
    const cands: [string, number][] = [];
    for (let i = 0; i < raw.length; i += 2) if (!already.has(raw[i]!)) cands.push([raw[i]!, Number(raw[i + 1])]);
    if (cands.length === 0) return;
    let transit: Set<string> | null = null;
    if (kind === 'vehicle') {
      const rows: { vehicle_id: string }[] = await this.ds.query(
        `SELECT DISTINCT vehicle_id FROM trip_progress WHERE arrived_at IS NULL AND departed_at > now() - interval '2 days' AND vehicle_id = ANY($1)`,
        [cands.map((c) => c[0])],
      );
      transit = new Set(rows.map((r) => r.vehicle_id));
    }
    const found: Finding[] = [];
    const alerted: string[] = [];
    for (const [id, last] of cands) {
      let floorId: string | null = null;
      let siteId: string | null = null;
      if (kind === 'vehicle') {
        if (!transit!.has(id)) continue;
        siteId = this.ref.vehicles.get(id)?.homeSiteId ?? null;
      } else {
        floorId = this.ref.cameras.get(id) ?? null;
        siteId = this.ref.siteOfFloor(floorId);
      }
      const th = this.thresholds.get(rule, 'silentSeconds', { floorId, siteId });
      if (now - last < th * 1000) continue;
      alerted.push(id);
      found.push({
        ruleId: rule,
        severity: kind === 'vehicle' ? 'violation' : 'warning',
        dedupeKey: `${rule}:${id}:${last}`,
        at: new Date(last + th * 1000).toISOString(),
        subjectKind: kind,
        subjectId: id,
        floorId,
        siteId,
        waybillNo: null,
        personId: null,
        evidence: [],
        detail: kind === 'vehicle' ? `车辆失联: no position since ${new Date(last).toISOString()} (> ${th} s)` : `摄像头离线: no heartbeat since ${new Date(last).toISOString()} (> ${th} s), blind spot`,
        violation: false,
        alert: {},
      });
    }
    if (found.length === 0) return;
    // Alerted once: the device's next report resolves the alert and puts it back on watch.
    await this.redis.sadd(this.keys.key('rules', 'silent', kind), ...alerted);
    this.engine.markSilent(kind, alerted);
    await this.findings.record(found);
  }

  private async notDeparted() {
    const minLate = this.thresholds.minimum('T1', 'lateMinutes');
    const rows: { id: string; vehicle_id: string; scheduled_departure: Date; origin_site_id: string }[] = await this.ds.query(
      `SELECT t.id, t.vehicle_id, t.scheduled_departure, r.origin_site_id FROM trips t JOIN routes r ON r.id = t.route_id
        LEFT JOIN trip_progress p ON p.trip_id = t.id
        WHERE t.scheduled_departure > now() - interval '6 hours' AND t.scheduled_departure < now() - make_interval(secs => $1::float8 * 60)
          AND p.departed_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.rule_id = 'T1' AND a.subject_kind = 'trip' AND a.subject_id = t.id)
        ORDER BY t.scheduled_departure LIMIT 200`,
      [minLate],
    );
    const now = Date.now();
    const found: Finding[] = [];
    for (const t of rows) {
      const late = this.thresholds.get('T1', 'lateMinutes', { siteId: t.origin_site_id });
      const sched = new Date(t.scheduled_departure).getTime();
      if (now - sched <= late * 60_000) continue;
      found.push({
        ruleId: 'T1',
        severity: 'warning',
        dedupeKey: `T1:nd:${t.id}`,
        at: new Date(sched + late * 60_000).toISOString(),
        subjectKind: 'trip',
        subjectId: t.id,
        floorId: null,
        siteId: t.origin_site_id,
        waybillNo: null,
        personId: null,
        evidence: [],
        detail: `未发车: ${t.vehicle_id} scheduled ${new Date(sched).toISOString()}, not departed after ${late} min`,
        violation: false,
        alert: {},
      });
    }
    if (found.length) await this.findings.record(found);
  }
}
