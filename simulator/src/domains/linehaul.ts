import { RULES, type Trip, type Vehicle } from '@kanjian/shared';
import { eventId } from '../core/ids';
import { hashKey, Rand, unitAt } from '../core/random';
import { addDays, dayOf, dayStart, HOUR, isoUtc8, MINUTE, SECOND } from '../core/time';
import { RATES } from '../model/calibration';
import type { NetworkIndex, RouteGeometry } from '../model/network-index';
import { STORY, storyOrder, type Storyline } from '../engine/storyline';
import type { Domain, OutEventOf, Sink, TruthEntry } from '../engine/types';

/** Builtins bound once: Jest's vm context makes every global lookup slow in hot loops (jestjs/jest#5163). */
const M = Math;

export type TripAnomaly = 'none' | 'late_small' | 'late_big' | 'jam' | 'breakdown' | 'tyre_blowout';

/** Cargo ranges the rules judge (DOMAIN.md cold chain): chilled 0–8 °C, frozen ≤ −18 °C, pharma 2–8 °C. */
export const COLD_RANGES = {
  chilled: { min: 0, max: 8 },
  frozen: { min: -Infinity, max: -18 },
  pharma: { min: 2, max: 8 },
} as const;
type ColdProfile = keyof typeof COLD_RANGES;

interface Segment {
  t0: number;
  t1: number;
  d0: number;
  /** km per ms */
  v: number;
  kmh: number;
  kind: 'urban' | 'cruise' | 'slow' | 'stop' | 'jam' | 'breakdown';
}

interface ColdPlan {
  profile: ColdProfile;
  base: number;
  amp: number;
  periodMs: number;
  phase: number;
  humidity: number;
  excursion?: { from: number; peakAt: number; holdTo: number; to: number; peak: number; outFrom: number; outTo: number };
}

export interface TripPlan {
  trip: Trip;
  geo: RouteGeometry;
  vehicle: Vehicle;
  schedDep: number;
  schedArr: number;
  depart: number;
  arrive: number;
  segs: Segment[];
  anomaly: TripAnomaly;
  /** Departure pushed back because the truck's previous trip had not arrived. */
  pushedMs: number;
  incident?: { at: number; kind: 'breakdown' | 'tyre_blowout'; stopFrom: number; stopTo: number };
  jam?: { from: number; to: number };
  /** A signal loss: positions recorded meanwhile are uploaded from `uploadAt` (`burst`: all at that moment). */
  silence?: { from: number; to: number; uploadAt: number; burst?: boolean };
  cold?: ColdPlan;
  h: number;
}

export interface LinehaulOptions {
  seed: number;
  /** Drive the first ⌈300 × scale⌉ vehicles (by id) of the network; the rest stay parked. */
  vehicleLimit: number;
  /** 1 Hz positions; off for day-long offline runs that only need the trips' facts. */
  positions: boolean;
  storyline?: Storyline;
}

const TRUCK_MAX_KMH = 95;
/** How far a truck without an anomaly may fall behind its straight-line schedule (hubs estimate arrival from it). */
const MAX_MOTION_LAG_MS = 8 * MINUTE;
/** T6 is required a minute past its threshold and allowed from a minute before it: the hub estimates once a minute. */
const T6_MARGIN_MS = MINUTE;

export class LinehaulDomain implements Domain {
  readonly name = 'linehaul' as const;
  /** Positions recorded during a signal loss are back-filled right after it (≤ 240 s + 10 s). */
  readonly maxUploadDelayMs = 5 * MINUTE;
  private readonly plans = new Map<string, TripPlan>();
  private readonly dayTrips = new Map<string, Trip[]>();
  private readonly dayTruckTrips = new Map<string, Map<string, Trip[]>>();
  private readonly allowed: Set<string>;
  /** The storyline's trucks: trip id → what happens to it (chosen on first use). */
  private story: Map<string, 'silence' | 'backfill'> | null = null;

  constructor(
    private readonly net: NetworkIndex,
    private readonly opts: LinehaulOptions,
  ) {
    this.allowed = new Set(net.vehicleOrder.slice(0, opts.vehicleLimit).map((v) => v.id));
  }

  get drivenVehicles(): number {
    return this.allowed.size;
  }

  /** The trips departing on a service day: the hub's own, or the template day's schedule moved to that day. */
  tripsOf(day: string): Trip[] {
    let list = this.dayTrips.get(day);
    if (list) return list;
    const own = this.net.tripsByDay.get(day);
    const template = this.net.templateDay();
    if (own) list = own;
    else if (template) {
      const shift = dayStart(day) - dayStart(template);
      list = (this.net.tripsByDay.get(template) ?? []).map((t) => ({
        ...t,
        id: t.id.includes(template) ? t.id.replace(template, day) : `${t.id}.${day}`,
        scheduledDeparture: isoUtc8(Date.parse(t.scheduledDeparture) + shift),
        scheduledArrival: isoUtc8(Date.parse(t.scheduledArrival) + shift),
      }));
    } else list = [];
    list = list.filter((t) => this.allowed.has(t.vehicleId)).sort((a, b) => Date.parse(a.scheduledDeparture) - Date.parse(b.scheduledDeparture));
    this.dayTrips.set(day, list);
    const byTruck = new Map<string, Trip[]>();
    for (const t of list) byTruck.set(t.vehicleId, [...(byTruck.get(t.vehicleId) ?? []), t]);
    this.dayTruckTrips.set(day, byTruck);
    // Keep only a few days of schedules.
    for (const d of this.dayTrips.keys()) {
      if (d < addDays(day, -4)) {
        this.dayTrips.delete(d);
        this.dayTruckTrips.delete(d);
      }
    }
    return list;
  }

  private truckTrips(day: string, vehicleId: string): Trip[] {
    this.tripsOf(day);
    return this.dayTruckTrips.get(day)?.get(vehicleId) ?? [];
  }

  /** Plans of the trips that may have facts in [from, to). */
  activePlans(from: number, to: number): TripPlan[] {
    const out: TripPlan[] = [];
    for (let d = addDays(dayOf(from), -2); d <= dayOf(to); d = addDays(d, 1)) {
      for (const t of this.tripsOf(d)) {
        const dep = Date.parse(t.scheduledDeparture);
        if (dep > to + 0) break;
        // Generous bound before building the plan: no delay exceeds 6 h.
        if (Date.parse(t.scheduledArrival) + 6 * HOUR < from) continue;
        const p = this.plan(t, d);
        if (p.depart < to && p.arrive + this.maxUploadDelayMs >= from) out.push(p);
      }
    }
    // Forget plans long finished.
    if (this.plans.size > 4 * (this.tripsOf(dayOf(from)).length + 16)) {
      for (const [id, p] of this.plans) if (p.arrive < from - 6 * HOUR) this.plans.delete(id);
    }
    return out;
  }

  plan(trip: Trip, day?: string): TripPlan {
    const cached = this.plans.get(trip.id);
    if (cached) return cached;
    const p = this.planWith(trip, day, (t, d) => this.plan(t, d));
    const part = this.storyParts().get(trip.id);
    if (part) this.applyStory(p, part);
    this.plans.set(trip.id, p);
    return p;
  }

  private planWith(trip: Trip, day: string | undefined, previous: (t: Trip, d: string) => TripPlan): TripPlan {
    const d = day ?? dayOf(Date.parse(trip.scheduledDeparture));
    // A truck cannot leave before its previous trip of the day has arrived and turned round.
    const sameTruck = this.truckTrips(d, trip.vehicleId);
    const i = sameTruck.findIndex((t) => t.id === trip.id);
    let notBefore = -Infinity;
    if (i > 0) notBefore = previous(sameTruck[i - 1], d).arrive + 20 * MINUTE;
    else if (this.net.tripsByDay.has(addDays(d, -1))) {
      // Across midnight only when the hub has that day's schedule: a projected one is not the truck's real day.
      const before = this.truckTrips(addDays(d, -1), trip.vehicleId);
      if (before.length > 0) notBefore = this.buildPlan(before[before.length - 1], -Infinity).arrive + 20 * MINUTE;
    }
    return this.buildPlan(trip, notBefore);
  }

  /**
   * The storyline's two trucks (`engine/storyline.ts`), picked among the trips under way at its start whose own
   * plan has nothing else happening: one for the signal loss, a cold-chain one for the back-fill.
   */
  private storyParts(): Map<string, 'silence' | 'backfill'> {
    if (this.story) return this.story;
    this.story = new Map();
    const A = this.opts.storyline?.at;
    if (A === undefined) return this.story;
    const base = new Map<string, TripPlan>();
    const basePlan = (t: Trip, d: string): TripPlan => {
      let p = base.get(t.id);
      if (!p) base.set(t.id, (p = this.planWith(t, d, basePlan)));
      return p;
    };
    const cands: { p: TripPlan; id: string }[] = [];
    for (const d of [addDays(dayOf(A), -1), dayOf(A)]) for (const t of this.tripsOf(d)) cands.push({ p: basePlan(t, d), id: t.id });
    const quiet = (p: TripPlan) => p.anomaly === 'none' && !p.silence && !p.incident && !p.cold?.excursion && p.pushedMs === 0 && p.arrive - p.schedArr < 10 * MINUTE;
    const silence = storyOrder(this.opts.seed, 'silence', cands, (c) => c.id).find(
      ({ p }) => quiet(p) && !p.cold && p.depart < A - 10 * MINUTE && p.arrive > A + 30 * MINUTE,
    );
    const backfill = storyOrder(this.opts.seed, 'backfill', cands, (c) => c.id).find(
      ({ p }) => quiet(p) && !!p.cold && p.depart < A + STORY.outOfReachFrom - 20 * MINUTE && p.arrive > A + 90 * MINUTE && p.vehicle.id !== silence?.p.vehicle.id,
    );
    if (silence) this.story.set(silence.id, 'silence');
    if (backfill) this.story.set(backfill.id, 'backfill');
    return this.story;
  }

  private applyStory(p: TripPlan, part: 'silence' | 'backfill'): void {
    const A = this.opts.storyline!.at;
    if (part === 'silence') {
      const from = A + STORY.silenceFrom;
      p.silence = { from, to: from + STORY.silenceMs, uploadAt: from + STORY.silenceMs + 5 * SECOND };
      return;
    }
    p.silence = { from: A + STORY.outOfReachFrom, to: A + STORY.backInReach, uploadAt: A + STORY.backInReach, burst: true };
    // A jam: the truck stands still from `from`, and everything after it comes that much later.
    const from = A + STORY.jamFrom;
    const ms = STORY.jamMs;
    const segs: Segment[] = [];
    for (const g of p.segs) {
      if (g.t1 <= from) segs.push(g);
      else if (g.t0 >= from) {
        if (!segs.some((x) => x.kind === 'jam')) segs.push({ t0: from, t1: from + ms, d0: g.d0, v: 0, kmh: 0, kind: 'jam' });
        segs.push({ ...g, t0: g.t0 + ms, t1: g.t1 + ms });
      } else {
        const d = g.d0 + g.v * (from - g.t0);
        segs.push({ ...g, t1: from }, { t0: from, t1: from + ms, d0: d, v: 0, kmh: 0, kind: 'jam' }, { ...g, t0: from + ms, t1: g.t1 + ms, d0: d });
      }
    }
    p.segs = segs;
    p.arrive += ms;
    p.jam = { from, to: from + ms };
    p.anomaly = 'jam';
    // The reefer fails meanwhile: out of range for about 15 minutes, back in after the truck is.
    const c = p.cold!;
    const x = A + STORY.excursionFrom;
    const peak = c.profile === 'chilled' ? 12 : c.profile === 'frozen' ? -11 : 11;
    c.excursion = { from: x, peakAt: x + 5 * MINUTE, holdTo: x + 13 * MINUTE, to: x + 19 * MINUTE, peak, outFrom: 0, outTo: 0 };
    this.markExcursion(p, c);
  }

  private buildPlan(trip: Trip, notBefore: number): TripPlan {
    const geo = this.net.routes.get(trip.routeId);
    if (!geo) throw new Error(`trip ${trip.id} refers to route ${trip.routeId}, which the network does not have`);
    const vehicle = this.net.vehicles.get(trip.vehicleId);
    if (!vehicle) throw new Error(`trip ${trip.id} refers to vehicle ${trip.vehicleId}, which the network does not have`);
    const r = Rand.of(this.opts.seed, 'trip', trip.id);
    const h = hashKey(this.opts.seed, 'trip-noise', trip.id);
    const schedDep = Date.parse(trip.scheduledDeparture);
    const schedArr = Date.parse(trip.scheduledArrival);
    const S = M.max(10 * MINUTE, schedArr - schedDep);
    const D = geo.totalKm;
    const anomaly = r.weighted<TripAnomaly>({
      none: 1 - RATES.lateDepartureSmall.value - RATES.lateDepartureBig.value - RATES.trafficJam.value - RATES.breakdown.value - RATES.tyreBlowout.value,
      late_small: RATES.lateDepartureSmall.value,
      late_big: RATES.lateDepartureBig.value,
      jam: RATES.trafficJam.value,
      breakdown: RATES.breakdown.value,
      tyre_blowout: RATES.tyreBlowout.value,
    });
    const normalDelay = M.round(r.range(0, 8) * 60) * SECOND;
    const depDelay = anomaly === 'late_small' ? M.round(r.range(16, 19) * 60) * SECOND : anomaly === 'late_big' ? M.round(r.range(50, 120) * 60) * SECOND : normalDelay;
    let depart = schedDep + depDelay;
    let pushedMs = 0;
    if (depart < notBefore) {
      // The truck is back late from its previous trip. A short wait is made up on the road; a longer one is
      // stretched to the crew's full rest, so the trip is either clearly on time or clearly late (a hub's
      // arrival estimate near its 30-minute threshold could go either way).
      let at = M.ceil(notBefore / SECOND) * SECOND;
      const late = at - schedDep;
      if (late >= 18 * MINUTE && late < 45 * MINUTE) at = schedDep + M.round(r.range(45, 50) * 60) * SECOND;
      pushedMs = at - depart;
      depart = at;
    }
    // Moving-time budget: on schedule give or take a few minutes; a late start is not made up.
    const budget = S - (anomaly === 'late_small' || anomaly === 'late_big' ? 0 : normalDelay) + M.round(r.range(-8, 3) * 60) * SECOND;

    // Pieces along the road other than cruising.
    const urbanKm = M.min(5, D * 0.03);
    const urbanKmh = r.range(30, 40);
    interface Piece {
      at: number;
      km: number;
      ms: number;
      kmh: number;
      kind: Segment['kind'];
    }
    const middle: Piece[] = [];
    const lo = urbanKm + 2;
    const hi = D - urbanKm - 2;
    for (let km = r.range(350, 450); km < hi - 50; km += r.range(350, 450)) {
      middle.push({ at: km, km: 0, ms: M.round(r.range(3, 8) * 60) * SECOND, kmh: 0, kind: 'stop' });
    }
    const slowCount = M.min(r.poisson(D / 300), 6);
    for (let k = 0; k < slowCount; k++) {
      const kmh = r.range(15, 35);
      const ms = M.min(r.range(8, 25) * MINUTE, S * 0.1);
      middle.push({ at: r.range(lo, hi), km: (kmh * ms) / HOUR, ms, kmh, kind: 'slow' });
    }
    let anomalyPiece: Piece | undefined;
    if (anomaly === 'jam') anomalyPiece = { at: r.range(lo, hi), km: 0, ms: M.round(r.range(12, 16) * 60) * SECOND, kmh: 0, kind: 'jam' };
    if (anomaly === 'breakdown') anomalyPiece = { at: r.range(lo, hi), km: 0, ms: M.round(r.range(55, 120) * 60) * SECOND, kmh: 0, kind: 'breakdown' };
    if (anomaly === 'tyre_blowout') anomalyPiece = { at: r.range(lo, hi), km: 0, ms: M.round(r.range(50, 90) * 60) * SECOND, kmh: 0, kind: 'breakdown' };
    if (anomalyPiece) middle.push(anomalyPiece);
    middle.sort((a, b) => a.at - b.at);

    // Lay the pieces out with the cruising speed that keeps the schedule. A hub estimates arrival from how far
    // behind the straight-line schedule a truck is, so a truck without an anomaly must never fall far behind:
    // while the plan needs an impossible cruise or runs more than MAX_MOTION_LAG behind, the earliest traffic
    // slowdown or refuelling stop goes.
    const layout = () => {
      const fixedKm = 2 * urbanKm + middle.reduce((s, p) => s + p.km, 0);
      const fixedMs = (2 * urbanKm * HOUR) / urbanKmh + middle.reduce((s, p) => s + (p === anomalyPiece ? 0 : p.ms), 0);
      const needed = M.max(0, D - fixedKm) / M.max(1 / 60, (budget - fixedMs) / HOUR);
      const cruiseKmh = M.min(TRUCK_MAX_KMH, M.max(55, needed));
      const segs: Segment[] = [];
      let t = depart;
      let d = 0;
      let anomalyMs = 0;
      let maxLag = 0;
      let incident: TripPlan['incident'];
      let jam: TripPlan['jam'];
      const push = (km: number, kmh: number, kind: Segment['kind'], ms?: number) => {
        const dur = ms ?? M.round((km / kmh) * HOUR);
        if (dur <= 0) return;
        segs.push({ t0: t, t1: t + dur, d0: d, v: kmh > 0 ? km / dur : 0, kmh, kind });
        t += dur;
        d += km;
        if (kind === 'jam' || kind === 'breakdown') anomalyMs += dur;
        maxLag = M.max(maxLag, t - anomalyMs - depart - (d / D) * budget);
      };
      push(urbanKm, urbanKmh, 'urban');
      for (const p of middle) {
        const at = M.max(p.at, d);
        if (at > d) push(at - d, cruiseKmh, 'cruise');
        const from = t;
        push(p.km, p.kmh, p.kind, M.round(p.ms));
        if (p === anomalyPiece && p.kind === 'breakdown') {
          incident = { at: from + (60 + (hashKey(trip.id, 'report') % 120)) * SECOND, kind: anomaly === 'tyre_blowout' ? 'tyre_blowout' : 'breakdown', stopFrom: from, stopTo: t };
        }
        if (p === anomalyPiece && p.kind === 'jam') jam = { from, to: t };
      }
      if (D - urbanKm > d) push(D - urbanKm - d, cruiseKmh, 'cruise');
      push(M.max(0, D - d), urbanKmh, 'urban');
      return { segs, t, incident, jam, tooFast: needed > TRUCK_MAX_KMH - 5, maxLag };
    };
    let laid = layout();
    while (laid.tooFast || laid.maxLag > MAX_MOTION_LAG_MS) {
      const i = middle.findIndex((p) => p.kind === 'slow' || p.kind === 'stop');
      if (i < 0) break;
      middle.splice(i, 1);
      laid = layout();
    }
    const { segs, incident, jam } = laid;
    const arrive = M.ceil(laid.t / SECOND) * SECOND;

    const plan: TripPlan = { trip, geo, vehicle, schedDep, schedArr, depart, arrive, segs, anomaly, pushedMs, incident, jam, h };
    if (r.chance(RATES.signalLoss.value) && arrive - depart > 40 * MINUTE) {
      const from = M.round(r.range(depart + 15 * MINUTE, arrive - 20 * MINUTE) / SECOND) * SECOND;
      const to = from + M.round(r.range(90, 240)) * SECOND;
      plan.silence = { from, to, uploadAt: to + M.round(r.range(2, 10)) * SECOND };
    }
    if (vehicle.coldProfile !== 'none') plan.cold = this.coldPlan(vehicle.coldProfile, r, plan);
    return plan;
  }

  private coldPlan(profile: ColdProfile, r: Rand, p: TripPlan): ColdPlan {
    const base = profile === 'chilled' ? r.range(3, 4.5) : profile === 'frozen' ? r.range(-22, -20.5) : r.range(4.5, 5.5);
    const amp = profile === 'chilled' ? 1.0 : profile === 'frozen' ? 0.9 : 0.7;
    const c: ColdPlan = { profile, base, amp, periodMs: r.range(40, 90) * MINUTE, phase: r.range(0, 2 * M.PI), humidity: r.range(70, 88) };
    if (r.chance(RATES.coldExcursion.value) && p.arrive - p.depart > 90 * MINUTE) {
      const from = M.round(r.range(p.depart + 15 * MINUTE, p.arrive - 60 * MINUTE) / SECOND) * SECOND;
      const peakAt = from + 5 * MINUTE;
      const holdTo = peakAt + M.round(r.range(8, 25) * 60) * SECOND;
      const to = holdTo + 6 * MINUTE;
      const peak = profile === 'chilled' ? r.range(10.5, 14) : profile === 'frozen' ? r.range(-13, -9) : r.range(10, 12);
      c.excursion = { from, peakAt, holdTo, to, peak, outFrom: 0, outTo: 0 };
      this.markExcursion(p, c);
    }
    return c;
  }

  /** When the reading actually leaves and re-enters the range (noise included), for the truth. */
  private markExcursion(p: TripPlan, c: ColdPlan): void {
    const x = c.excursion!;
    const range = COLD_RANGES[c.profile];
    let outFrom = 0;
    let outTo = 0;
    for (let s = x.from; s <= x.to; s += SECOND) {
      const temp = this.temperature(p.h, c, s);
      const out = temp > range.max || temp < range.min;
      if (out && !outFrom) outFrom = s;
      if (out) outTo = s + SECOND;
    }
    x.outFrom = outFrom;
    x.outTo = outTo;
  }

  temperature(h: number, c: ColdPlan, t: number): number {
    let temp = c.base + c.amp * M.sin((2 * M.PI * t) / c.periodMs + c.phase) + (unitAt(h, t / SECOND, 7) - 0.5) * 0.5;
    const x = c.excursion;
    if (x && t >= x.from && t < x.to) {
      const normal = temp;
      const w = t < x.peakAt ? (t - x.from) / (x.peakAt - x.from) : t < x.holdTo ? 1 : 1 - (t - x.holdTo) / (x.to - x.holdTo);
      temp = normal + (x.peak - normal) * w;
    }
    return M.round(temp * 10) / 10;
  }

  /** Distance, speed and segment at time t (t within the trip). */
  private stateAt(p: TripPlan, t: number): { km: number; seg: Segment } {
    let lo = 0;
    let hi = p.segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (p.segs[mid].t0 <= t) lo = mid;
      else hi = mid - 1;
    }
    const seg = p.segs[lo];
    const km = M.min(seg.d0 + seg.v * M.max(0, M.min(t, seg.t1) - seg.t0), p.geo.totalKm);
    return { km, seg };
  }

  generate(from: number, to: number, sink: Sink): void {
    for (const p of this.activePlans(from, to)) {
      const inWin = (t: number) => t >= from && t < to;
      if (inWin(p.depart)) this.emitDeparture(p, sink);
      if (p.incident && inWin(p.incident.at)) this.emitIncident(p, sink);
      if (p.incident && inWin(p.incident.stopFrom)) this.stopTruth(p, p.incident.stopFrom, sink);
      if (p.jam && inWin(p.jam.from)) this.stopTruth(p, p.jam.from, sink);
      if (p.silence && inWin(p.silence.from)) {
        sink.truth(this.truth('T2', p, p.silence.from, p.silence.from - SECOND + RULES.T2.defaults.silentSeconds * SECOND, { detail: { silentS: (p.silence.to - p.silence.from) / SECOND } }));
      }
      const x = p.cold?.excursion;
      if (x && x.outFrom && inWin(x.outFrom)) this.excursionTruth(p, x.outFrom, sink);
      if (this.opts.positions) this.positions(p, from, to, sink);
      if (inWin(p.arrive)) this.emitArrival(p, sink);
    }
  }

  /**
   * A fresh start at `start`: what the hub must know of the trips already under way or done in the last 12 h
   * (departures, incidents, arrivals), uploaded at once; stops and excursions in progress that will still last
   * long enough for the hub to see them count from `start`.
   */
  prelude(start: number, sink: Sink): void {
    const recent = this.activePlans(start - 12 * HOUR, start).filter((p) => p.depart < start && (p.schedDep >= start - 12 * HOUR || p.arrive > start));
    for (const p of recent.sort((a, b) => a.depart - b.depart || (a.trip.id < b.trip.id ? -1 : 1))) {
      // The hub gets readings from the first whole second from `start` — or, from a truck out of reach at the
      // start, the whole stretch it recorded meanwhile, back-filled when it is back in reach.
      let first = M.ceil(start / SECOND) * SECOND;
      const s = p.silence;
      if (s && s.from < start && s.to > start) first = M.max(s.from, M.ceil(p.depart / SECOND) * SECOND);
      this.emitDeparture(p, sink, start, p.arrive > start ? first : null);
      if (p.incident && p.incident.at < start) this.emitIncident(p, sink, start);
      if (first < start && this.opts.positions) this.positions(p, first, start, sink);
      // A run in progress counts from the first reading the hub gets to the last one meeting the condition; the
      // hub raises it when that lasts the rule's minutes.
      const stop = p.incident ? { from: p.incident.stopFrom, to: p.incident.stopTo } : p.jam;
      const stopFrom = stop ? M.max(first, M.ceil(stop.from / SECOND) * SECOND) : 0;
      if (stop && stop.from < start && M.ceil(stop.to / SECOND) * SECOND - SECOND - stopFrom >= RULES.T3.defaults.minutes * MINUTE) this.stopTruth(p, stopFrom, sink);
      const x = p.cold?.excursion;
      const outFrom = x ? M.max(first, x.outFrom) : 0;
      if (x && x.outFrom && x.outFrom < start && x.outTo - SECOND - outFrom >= RULES.T5.defaults.minutes * MINUTE) this.excursionTruth(p, outFrom, sink);
      if (p.arrive < start) this.emitArrival(p, sink, start);
    }
  }

  /** `seenFrom`: the first reading of the trip the hub gets (null for a trip already arrived). */
  private emitDeparture(p: TripPlan, sink: Sink, deliverAt = p.depart + 800, seenFrom: number | null = p.depart): void {
    const { trip, vehicle } = p;
    const id = eventId(this.opts.seed, 'departed', trip.id);
    sink.emit({ event: { id, type: 'vehicle.departed', at: isoUtc8(p.depart), vehicleId: vehicle.id, tripId: trip.id, siteId: p.geo.route.originSiteId }, atMs: p.depart, deliverAt, domain: 'linehaul' });
    const late = p.depart - p.schedDep;
    if (late > RULES.T1.defaults.lateMinutes * MINUTE) {
      sink.truth(this.truth('T1', p, p.depart, p.depart, { eventId: id, derived: p.anomaly !== 'late_small' && p.anomaly !== 'late_big', detail: { lateMin: M.round(late / MINUTE) } }));
    }
    if (seenFrom !== null) this.lateArrivalTruth(p, seenFrom, sink);
  }

  /**
   * T6 from the readings the hub gets: its arrival estimate is how far the truck is behind the straight-line
   * schedule (`server/src/rules/eta.ts`), which the plan gives exactly. Required once the lag passes the threshold
   * by a minute while there is time for the hub's once-a-minute estimate; within a minute of it either way, or
   * only in the last minutes, allowed (may-only).
   */
  private lateArrivalTruth(p: TripPlan, seenFrom: number, sink: Sink): void {
    const lateMs = RULES.T6.defaults.lateMinutes * MINUTE;
    const mayAt = this.lagPasses(p, seenFrom, p.arrive, lateMs - T6_MARGIN_MS);
    if (mayAt === null) return;
    const dueAt = this.lagPasses(p, seenFrom, p.arrive - 2 * MINUTE, lateMs + T6_MARGIN_MS);
    const detail = { arrivalLateMin: M.round((p.arrive - p.schedArr) / MINUTE), ...(dueAt === null ? { mayOnly: true } : {}) };
    sink.truth({ ...this.truth('T6', p, mayAt, dueAt ?? mayAt, { derived: true, detail }), id: `T6:${p.trip.id}` });
  }

  /** How far behind its straight-line schedule the truck is at t. */
  private lagAt(p: TripPlan, t: number): number {
    return t - (p.schedDep + (this.stateAt(p, t).km / p.geo.totalKm) * (p.schedArr - p.schedDep));
  }

  /** The first whole second in [from, to] at which the lag exceeds `ms` (it is linear within a segment), or null. */
  private lagPasses(p: TripPlan, from: number, to: number, ms: number): number | null {
    for (const g of p.segs) {
      const a = M.max(from, g.t0);
      const b = M.min(to, g.t1);
      if (a > b) continue;
      const la = this.lagAt(p, a);
      const lb = this.lagAt(p, b);
      if (la > ms) return M.ceil(a / SECOND) * SECOND;
      if (lb > ms) {
        const t = M.ceil((a + ((ms - la) / (lb - la)) * (b - a)) / SECOND) * SECOND;
        return t <= to ? t : null;
      }
    }
    return null;
  }

  private emitIncident(p: TripPlan, sink: Sink, deliverAt?: number): void {
    const inc = p.incident!;
    const [lat, lon] = this.where(p, inc.at);
    const id = eventId(this.opts.seed, 'incident', p.trip.id);
    sink.emit({
      event: { id, type: 'vehicle.incident', at: isoUtc8(inc.at), vehicleId: p.vehicle.id, tripId: p.trip.id, kind: inc.kind, lat, lon, note: inc.kind === 'tyre_blowout' ? '爆胎,已停靠应急车道' : '车辆故障,等待救援' },
      atMs: inc.at,
      deliverAt: deliverAt ?? inc.at + 1500,
      domain: 'linehaul',
    });
    sink.truth(this.truth('T4', p, inc.at, inc.at, { eventId: id, detail: { kind: inc.kind } }));
  }

  private emitArrival(p: TripPlan, sink: Sink, deliverAt = p.arrive + 800): void {
    sink.emit({
      event: { id: eventId(this.opts.seed, 'arrived', p.trip.id), type: 'vehicle.arrived', at: isoUtc8(p.arrive), vehicleId: p.vehicle.id, tripId: p.trip.id, siteId: p.geo.route.destSiteId },
      atMs: p.arrive,
      deliverAt,
      domain: 'linehaul',
    });
  }

  /** T3 for a jam, or for the stop of a breakdown (derived), seen from `from`. */
  private stopTruth(p: TripPlan, from: number, sink: Sink): void {
    const stop = p.incident ? { from: p.incident.stopFrom, to: p.incident.stopTo, cause: p.incident.kind as string } : { ...p.jam!, cause: 'congestion' };
    sink.truth(this.truth('T3', p, from, from + RULES.T3.defaults.minutes * MINUTE, { derived: !!p.incident, detail: { stoppedMin: M.round((stop.to - from) / MINUTE), cause: stop.cause } }));
  }

  private excursionTruth(p: TripPlan, from: number, sink: Sink): void {
    const x = p.cold!.excursion!;
    sink.truth(this.truth('T5', p, from, from + RULES.T5.defaults.minutes * MINUTE, { detail: { profile: p.cold!.profile, peakC: M.round(x.peak * 10) / 10, outMin: M.round((x.outTo - from) / MINUTE) } }));
  }

  private where(p: TripPlan, t: number): [number, number] {
    const pos = p.geo.at(this.stateAt(p, t).km);
    return [round6(pos.lat), round6(pos.lon)];
  }

  /** The 1 Hz positions of one trip in [from, to). */
  positions(p: TripPlan, from: number, to: number, sink: Sink): void {
    const start = M.max(M.ceil(from / SECOND) * SECOND, M.ceil(p.depart / SECOND) * SECOND);
    const end = M.min(to, p.arrive + 1);
    for (let t = start; t < end; t += SECOND) {
      const { km, seg } = this.stateAt(p, t);
      const pos = p.geo.at(km);
      const n = unitAt(p.h, t / SECOND, 1);
      let speed = 0;
      if (seg.kind === 'jam') speed = n * 3.5;
      else if (seg.kind !== 'stop' && seg.kind !== 'breakdown' && t < p.arrive) speed = M.max(seg.kind === 'slow' ? 10 : 0, seg.kmh + (n - 0.5) * 6);
      const silent = p.silence && t >= p.silence.from && t < p.silence.to;
      const ev: Record<string, unknown> = {
        id: eventId(this.opts.seed, 'pos', p.trip.id, t / SECOND),
        type: 'vehicle.position',
        at: isoUtc8(t),
        vehicleId: p.vehicle.id,
        lat: round6(pos.lat),
        lon: round6(pos.lon),
        speedKmh: M.round(speed * 10) / 10,
        heading: M.round(pos.heading) % 360,
        tripId: p.trip.id,
      };
      if (p.cold) {
        ev.tempC = this.temperature(p.h, p.cold, t);
        ev.humidityPct = M.round((p.cold.humidity + (unitAt(p.h, t / SECOND, 9) - 0.5) * 4) * 10) / 10;
      }
      if (silent) ev.backfill = true;
      sink.emit({
        event: ev as OutEventOf<'vehicle.position'>,
        atMs: t,
        deliverAt: silent ? this.backfillAt(p, t) : t + 100 + M.floor(unitAt(p.h, t / SECOND, 3) * 800),
        domain: 'linehaul',
      });
    }
  }

  /** When a reading recorded during a signal loss is uploaded. */
  private backfillAt(p: TripPlan, t: number): number {
    const s = p.silence!;
    return s.burst ? s.uploadAt : s.uploadAt + (t - s.from) / 1000;
  }

  private truth(rule: TruthEntry['rule'], p: TripPlan, at: number, due: number, extra: Partial<TruthEntry>): TruthEntry {
    // A run the hub judges from readings recorded out of reach is known when they are back-filled.
    const s = p.silence;
    if ((rule === 'T3' || rule === 'T5' || rule === 'T6') && s && due >= s.from && due < s.to) extra = { ...extra, knownAt: isoUtc8(M.ceil(this.backfillAt(p, M.ceil(due / SECOND) * SECOND))) };
    // A trip on a schedule moved from another day is unknown to the hub: it cannot raise T1 or T6 for it.
    const projected = !this.net.tripsByDay.has(dayOf(p.schedDep));
    if (projected) extra = { ...extra, detail: { ...extra.detail, projectedTrip: true } };
    return {
      id: `${rule}:${p.trip.id}${rule === 'T3' && extra.derived ? ':stop' : ''}`,
      rule,
      severity: RULES[rule].severity,
      at: isoUtc8(at),
      dueAt: isoUtc8(due),
      subject: { kind: 'vehicle', id: p.vehicle.id },
      vehicleId: p.vehicle.id,
      tripId: p.trip.id,
      siteId: p.geo.route.originSiteId,
      ...extra,
    };
  }
}

const round6 = (x: number) => M.round(x * 1e6) / 1e6;
