import { RULES } from '@kanjian/shared';
import { STORY, storyPick, type Storyline } from '../engine/storyline';
import { eventId } from '../core/ids';
import { hashKey, Rand, unitAt } from '../core/random';
import { addDays, dayOf, dayStart, HOUR, hourOfDay, isoUtc8, MINUTE, SECOND, yymmdd } from '../core/time';
import { Curve, CURVES, RATES, seasonalMultiplier } from '../model/calibration';
import { codeOf, seq } from '../model/codes';
import type { FloorInfo, NetworkIndex } from '../model/network-index';
import type { EvidenceFactory } from '../engine/evidence';
import type { Domain, Sink, TruthEntry } from '../engine/types';

/** Builtins bound once: Jest's vm context makes every global lookup slow in hot loops (jestjs/jest#5163). */
const M = Math;

export const HEARTBEAT_MS = 15 * SECOND;
export const SCAN_MS = 10 * SECOND;

interface Sighting {
  at: number;
  cameraIdx: number;
  kind: 'throw' | 'drop' | 'kick';
  heightCm?: number;
  confidence: number;
  sorterId?: string;
  violation: boolean;
  n: number;
}

interface ExceptionParcel {
  at: number;
  registeredAt: number | null;
  waybillNo: string;
  kind: 'damaged' | 'leaking' | 'unlabelled' | 'misrouted' | 'other';
  staffId?: string;
  lapse: boolean;
  n: number;
}

interface Outage {
  from: number;
  to: number;
  lastHeartbeat: number;
}

export interface FloorDayPlan {
  floor: FloorInfo;
  day: string;
  parcels: number;
  sightings: Sighting[];
  exceptions: ExceptionParcel[];
  registrations: ExceptionParcel[];
  outages: Map<number, Outage>;
}

export interface SortingOptions {
  seed: number;
  /** Multiplies parcel volume on top of the season (双十一). */
  volume: number;
  /** Camera heartbeats every 15 s (off for day-long offline runs that only need the lapses). */
  heartbeats: boolean;
  /** Parcel counts per floor every 10 s. */
  scans: boolean;
  storyline?: Storyline;
}

export class SortingDomain implements Domain {
  readonly name = 'sorting' as const;
  readonly maxUploadDelayMs = 5 * SECOND;
  private readonly plans = new Map<string, FloorDayPlan>();
  private readonly curve = new Curve(CURVES.sorting);

  constructor(
    private readonly net: NetworkIndex,
    private readonly evidence: EvidenceFactory,
    private readonly opts: SortingOptions,
  ) {}

  dailyParcels(f: FloorInfo, day: string): number {
    const util = Rand.of(this.opts.seed, 'floor-util', f.floor.id).range(0.55, 0.8);
    return f.floor.dailyCapacity * util * seasonalMultiplier(day) * this.opts.volume;
  }

  heartbeatPhase(cameraId: string): number {
    return hashKey(this.opts.seed, 'hb', cameraId) % HEARTBEAT_MS;
  }

  plan(f: FloorInfo, day: string): FloorDayPlan {
    const key = `${f.floor.id}|${day}`;
    const cached = this.plans.get(key);
    if (cached) return cached;
    const seed = this.opts.seed;
    const r = Rand.of(seed, 'floor-day', f.floor.id, day);
    const start = dayStart(day);
    const parcels = this.dailyParcels(f, day);
    const timeAt = () => start + M.floor(this.curve.hourAt(r.next()) * HOUR);
    const outages = new Map<number, Outage>();
    f.cameras.forEach((c, i) => {
      const cr = Rand.of(seed, 'camera-day', c.id, day);
      if (!cr.chance(RATES.cameraOffline.value)) return;
      const from = start + M.floor(cr.range(0, 24 * HOUR - 50 * MINUTE) / SECOND) * SECOND;
      const to = from + M.round(cr.range(3, 45) * 60) * SECOND;
      const phase = this.heartbeatPhase(c.id);
      const lastHeartbeat = M.floor((from - 1 - phase) / HEARTBEAT_MS) * HEARTBEAT_MS + phase;
      outages.set(i, { from, to, lastHeartbeat });
    });
    // The storyline's camera: the first of a floor picked by the seed.
    const story = this.opts.storyline;
    if (story && dayOf(story.at + STORY.cameraFrom) === day && this.net.floors[storyPick(seed, 'camera', this.net.floors.length)].floor.id === f.floor.id && f.cameras.length > 0) {
      const from = story.at + STORY.cameraFrom;
      const phase = this.heartbeatPhase(f.cameras[0].id);
      outages.set(0, { from, to: from + STORY.cameraMs, lastHeartbeat: M.floor((from - 1 - phase) / HEARTBEAT_MS) * HEARTBEAT_MS + phase });
    }
    const sightings: Sighting[] = [];
    const nViol = r.poisson((parcels * RATES.sortingViolationsPer10k.value) / 10_000);
    const nSub = r.poisson((parcels * RATES.subThresholdDropsPer10k.value) / 10_000);
    for (let k = 0; k < nViol + nSub; k++) {
      const at = timeAt();
      const violation = k < nViol;
      const kind = violation ? r.weighted({ throw: 0.55, drop: 0.15, kick: RATES.kickShare.value }) : 'drop';
      const heightCm = kind === 'kick' ? undefined : violation ? M.round(kind === 'throw' ? r.range(60, 180) : r.range(55, 110)) : M.round(r.range(20, 42));
      const cameraIdx = r.int(0, M.max(0, f.cameras.length - 1));
      sightings.push({ at, cameraIdx, kind, heightCm, confidence: M.round(r.range(0.78, 0.98) * 100) / 100, sorterId: this.sorterAt(f, at, r), violation, n: k });
    }
    sightings.sort((a, b) => a.at - b.at || a.n - b.n);
    const exceptions: ExceptionParcel[] = [];
    const nExc = r.poisson((parcels * RATES.exceptionsPer10k.value) / 10_000);
    for (let k = 0; k < nExc; k++) {
      const at = timeAt();
      const lapse = r.chance(RATES.exceptionUnregistered.value);
      const registeredAt = lapse ? (r.chance(0.3) ? null : at + M.round(r.range(45, 120) * 60) * SECOND) : at + M.round(r.range(3, 20) * 60) * SECOND;
      const shift = this.shiftTeam(f, at);
      exceptions.push({
        at,
        registeredAt,
        waybillNo: `KJ${yymmdd(day)}X${codeOf(f.floor.id)}${seq(k + 1, 4)}`,
        kind: r.weighted({ damaged: 45, leaking: 10, unlabelled: 20, misrouted: 20, other: 5 }),
        staffId: shift?.leader?.id,
        lapse,
        n: k,
      });
    }
    exceptions.sort((a, b) => a.at - b.at || a.n - b.n);
    const registrations = exceptions.filter((e) => e.registeredAt !== null).sort((a, b) => a.registeredAt! - b.registeredAt! || a.n - b.n);
    const plan: FloorDayPlan = { floor: f, day, parcels, sightings, exceptions, registrations, outages };
    this.plans.set(key, plan);
    if (this.plans.size > this.net.floors.length * 4) {
      for (const [k, p] of this.plans) if (p.day < addDays(day, -2)) this.plans.delete(k);
    }
    return plan;
  }

  private shiftTeam(f: FloorInfo, at: number) {
    if (f.teams.length === 0) return undefined;
    return f.teams[M.min(f.teams.length - 1, M.floor((hourOfDay(at) * f.teams.length) / 24))];
  }

  private sorterAt(f: FloorInfo, at: number, r: Rand): string | undefined {
    const team = this.shiftTeam(f, at);
    return team && team.sorters.length > 0 ? r.pick(team.sorters).id : undefined;
  }

  /** Is the camera silent at t (an outage that began today or yesterday)? */
  private offline(f: FloorInfo, cameraIdx: number, t: number): boolean {
    for (const d of [dayOf(t), addDays(dayOf(t), -1)]) {
      const o = this.plan(f, d).outages.get(cameraIdx);
      if (o && t >= o.from && t < o.to) return true;
    }
    return false;
  }

  generate(from: number, to: number, sink: Sink): void {
    const seed = this.opts.seed;
    for (const f of this.net.floors) {
      const hubId = f.hub.id;
      for (let d = addDays(dayOf(from), -1); d <= dayOf(to - 1); d = addDays(d, 1)) {
        const p = this.plan(f, d);
        for (const s of slice(p.sightings, (s) => s.at, from, to)) {
          const cam = f.cameras[s.cameraIdx];
          if (!cam || this.offline(f, s.cameraIdx, s.at)) continue; // a blind camera sees nothing
          const key = `${f.floor.id}:${d}:${s.n}`;
          const snap = this.evidence.sortingSnapshot(key, s.at, s.cameraIdx + 1, s.kind, s.heightCm ?? 10);
          const id = eventId(seed, 'violation', key);
          sink.emit({
            event: {
              id,
              type: 'sorting.violation',
              at: isoUtc8(s.at),
              source: `vision:${hubId}`,
              floorId: f.floor.id,
              cameraId: cam.id,
              kind: s.kind,
              ...(s.heightCm !== undefined ? { dropHeightCm: s.heightCm } : {}),
              confidence: s.confidence,
              snapshot: snap.ref,
              ...(s.sorterId ? { sorterId: s.sorterId } : {}),
              personTrackId: `trk-${hashKey(key) % 1_000_000}`,
            },
            atMs: s.at,
            deliverAt: s.at + 600 + (hashKey(key, 'd') % 1400),
            domain: 'sorting',
            blobs: snap.blob ? [snap.blob] : undefined,
          });
          if (s.violation) {
            const rule = s.kind === 'kick' ? 'S2' : 'S1';
            sink.truth(this.truth(rule, `${rule}:${key}`, s.at, s.at, f, { kind: 'camera', id: cam.id }, { eventId: id, cameraId: cam.id, personId: s.sorterId, detail: { kind: s.kind, ...(s.heightCm !== undefined ? { dropHeightCm: s.heightCm } : {}) } }));
          }
        }
        for (const e of slice(p.exceptions, (e) => e.at, from, to)) this.emitDetected(f, e, sink);
        for (const e of slice(p.registrations, (e) => e.registeredAt!, from, to)) {
          sink.emit({
            event: { id: eventId(seed, 'exception', e.waybillNo, 'registered'), type: 'sorting.exception', at: isoUtc8(e.registeredAt!), floorId: f.floor.id, waybillNo: e.waybillNo, kind: e.kind, status: 'registered', ...(e.staffId ? { staffId: e.staffId } : {}) },
            atMs: e.registeredAt!,
            deliverAt: e.registeredAt! + 2000,
            domain: 'sorting',
          });
        }
        for (const [i, o] of p.outages) {
          if (o.from >= from && o.from < to) {
            const cam = f.cameras[i];
            sink.truth(this.truth('S4', `S4:${cam.id}:${d}`, o.from, o.lastHeartbeat + RULES.S4.defaults.silentSeconds * SECOND, f, { kind: 'camera', id: cam.id }, { cameraId: cam.id, detail: { offlineMin: M.round((o.to - o.from) / MINUTE) } }));
          }
        }
      }
      if (this.opts.heartbeats) this.heartbeats(f, from, to, sink);
      if (this.opts.scans) this.scans(f, from, to, sink);
    }
  }

  /** A fresh start: exception parcels detected before it and not yet registered, uploaded at once. */
  prelude(start: number, sink: Sink): void {
    for (const f of this.net.floors) {
      for (let d = addDays(dayOf(start), -1); d <= dayOf(start); d = addDays(d, 1)) {
        for (const e of this.plan(f, d).exceptions) {
          if (e.at < start && e.at >= start - 6 * HOUR && (e.registeredAt === null || e.registeredAt >= start)) this.emitDetected(f, e, sink, start);
        }
      }
    }
  }

  private emitDetected(f: FloorInfo, e: ExceptionParcel, sink: Sink, deliverAt = e.at + 2000): void {
    const id = eventId(this.opts.seed, 'exception', e.waybillNo, 'detected');
    sink.emit({
      event: { id, type: 'sorting.exception', at: isoUtc8(e.at), floorId: f.floor.id, waybillNo: e.waybillNo, kind: e.kind, status: 'detected', ...(e.staffId ? { staffId: e.staffId } : {}) },
      atMs: e.at,
      deliverAt,
      domain: 'sorting',
    });
    if (e.lapse) {
      sink.truth(this.truth('S3', `S3:${e.waybillNo}`, e.at, e.at + RULES.S3.defaults.minutes * MINUTE, f, { kind: 'waybill', id: e.waybillNo }, { eventId: id, waybillNo: e.waybillNo, personId: e.staffId, detail: { registeredAfterMin: e.registeredAt === null ? -1 : M.round((e.registeredAt - e.at) / MINUTE) } }));
    }
  }

  private heartbeats(f: FloorInfo, from: number, to: number, sink: Sink): void {
    const seed = this.opts.seed;
    f.cameras.forEach((c, i) => {
      const phase = this.heartbeatPhase(c.id);
      for (let t = M.ceil((from - phase) / HEARTBEAT_MS) * HEARTBEAT_MS + phase; t < to; t += HEARTBEAT_MS) {
        if (this.offline(f, i, t)) continue;
        const u = unitAt(hashKey(seed, c.id), t / SECOND);
        const degraded = u < 0.01;
        sink.emit({
          event: { id: eventId(seed, 'hb', c.id, t), type: 'camera.heartbeat', at: isoUtc8(t), cameraId: c.id, floorId: f.floor.id, fps: degraded ? 8 + M.round(u * 400) : 25, status: degraded ? 'degraded' : 'ok' },
          atMs: t,
          deliverAt: t + 300,
          domain: 'sorting',
        });
      }
    });
  }

  private scans(f: FloorInfo, from: number, to: number, sink: Sink): void {
    const seed = this.opts.seed;
    const phase = hashKey(seed, 'scan', f.floor.id) % SCAN_MS;
    for (let t = M.ceil((from - phase) / SCAN_MS) * SCAN_MS + phase; t < to; t += SCAN_MS) {
      const perSecond = (this.dailyParcels(f, dayOf(t)) * this.curve.intensity(hourOfDay(t))) / 86_400;
      const noise = 0.85 + 0.3 * unitAt(hashKey(seed, 'scan', f.floor.id), t / SECOND);
      sink.emit({
        event: { id: eventId(seed, 'scan', f.floor.id, t), type: 'sorting.scan', at: isoUtc8(t), floorId: f.floor.id, parcels: M.round(perSecond * (SCAN_MS / SECOND) * noise) },
        atMs: t,
        deliverAt: t + 500,
        domain: 'sorting',
      });
    }
  }

  private truth(rule: TruthEntry['rule'], id: string, at: number, due: number, f: FloorInfo, subject: TruthEntry['subject'], extra: Partial<TruthEntry>): TruthEntry {
    return { id, rule, severity: RULES[rule].severity, at: isoUtc8(at), dueAt: isoUtc8(due), subject, siteId: f.hub.id, floorId: f.floor.id, ...extra };
  }
}

/** The items of a time-sorted list with time in [from, to). */
export function slice<T>(items: readonly T[], time: (t: T) => number, from: number, to: number): T[] {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (time(items[mid]) < from) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < items.length && time(items[i]) < to; i++) out.push(items[i]);
  return out;
}
