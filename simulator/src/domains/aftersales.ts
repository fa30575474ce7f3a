import { RULES } from '@kanjian/shared';
import { STORY, storyPick, type Storyline } from '../engine/storyline';
import { eventId } from '../core/ids';
import { Rand } from '../core/random';
import { addDays, DAY_MS, dayOf, dayStart, HOUR, isoUtc8, MINUTE, SECOND, yymmdd } from '../core/time';
import { RATES } from '../model/calibration';
import { codeOf, seq } from '../model/codes';
import type { NetworkIndex, StationInfo } from '../model/network-index';
import type { Domain, Sink, TruthEntry } from '../engine/types';
import type { CourierDomain, Delivery } from './courier';
import type { LinehaulDomain } from './linehaul';
import { slice } from './sorting';

/** Builtins bound once: Jest's vm context makes every global lookup slow in hot loops (jestjs/jest#5163). */
const M = Math;

type Category = 'delay' | 'lost' | 'damaged' | 'attitude' | 'other';
type Outcome = 'compensated' | 'explained' | 'redelivered' | 'rejected' | 'other';

/** Baseline mix of complaints with no visible cause: lost/short, delay and damage ≈ 75 % (DOMAIN.md). */
const BASELINE_MIX: Record<Category, number> = { delay: 33, lost: 22, damaged: 20, attitude: 15, other: 10 };
const OUTCOMES: Record<Category, Record<Outcome, number>> = {
  lost: { compensated: 70, explained: 20, redelivered: 0, rejected: 0, other: 10 },
  damaged: { compensated: 60, explained: 20, redelivered: 20, rejected: 0, other: 0 },
  delay: { compensated: 10, explained: 50, redelivered: 30, rejected: 10, other: 0 },
  attitude: { compensated: 0, explained: 70, redelivered: 0, rejected: 10, other: 20 },
  other: { compensated: 0, explained: 60, redelivered: 20, rejected: 20, other: 0 },
};
const TEXTS: Record<Category, string[]> = {
  delay: ['快递一直没送到', '物流几天没更新', '比承诺时间晚了两天'],
  lost: ['显示签收但没收到', '包裹里少了东西', '快递丢了'],
  damaged: ['外包装破损,物品摔坏', '箱子被压扁了', '易碎品碎了'],
  attitude: ['快递员态度很差', '打电话不接,还挂断', '要求送上门被拒绝'],
  other: ['没经过同意放驿站', '放快递柜没通知', '面单信息被泄露'],
};
/**
 * Most lapses never turn into a complaint; these shares of them do (assumptions). With the baseline and late
 * line-haul they add up to RATES.complaintsPer10k.
 */
export const COMPLAINT_PROPENSITY = { D5: 0.015, D4: 0.003, D2: 0.001, D1: 0.0003 } as const;
export const BASELINE_COMPLAINTS_PER_10K = 0.8;
/** Of the parcels on a truck that arrives more than 30 min late, this share complain of 延误 (assumption). */
export const DELAYED_PARCEL_COMPLAINT_RATE = 0.002;

/** Star ratings: 4–5 stars ≈ 0.79 when the complaint was handled in time, far lower when it was not. */
const SCORES_OK = { 5: 53, 4: 26, 3: 10, 2: 6, 1: 5 };
const SCORES_LATE = { 5: 15, 4: 20, 3: 20, 2: 20, 1: 25 };
const DELIVERY_SCORES_OK = { 5: 60, 4: 25, 3: 8, 2: 4, 1: 3 };
const DELIVERY_SCORES_LAPSE = { 5: 20, 4: 20, 3: 20, 2: 20, 1: 20 };

export interface Complaint {
  id: string;
  stationId: string;
  waybillNo?: string;
  category: Category;
  channel: 'phone' | 'app' | 'web' | 'regulator';
  text: string;
  cause: string;
  courierId?: string;
  opened: number;
  responded: number;
  responder: string;
  resolved: number | null;
  resolver: string;
  outcome: Outcome;
  lateResponse: boolean;
  lateResolution: boolean;
  rating?: { at: number; score: number };
  spike: boolean;
}

interface Rating {
  at: number;
  stationId: string;
  touchpoint: 'delivery' | 'pickup';
  score: number;
  waybillNo: string;
  courierId: string;
}

export interface AftersalesDayPlan {
  station: StationInfo;
  day: string;
  deliveries: number;
  complaints: Complaint[];
  byOpened: Complaint[];
  byResponded: Complaint[];
  byResolved: Complaint[];
  byRated: Complaint[];
  ratings: Rating[];
  spike?: { at: number; count: number };
}

export class AftersalesDomain implements Domain {
  readonly name = 'aftersales' as const;
  readonly maxUploadDelayMs = 5 * SECOND;
  private readonly plans = new Map<string, AftersalesDayPlan>();
  /** Each station-day's spike, once worked out: generate() asks for it every window. */
  private readonly spikes = new Map<string, { day: string; spike: { at: number; count: number; planned: boolean } | null }>();
  private readonly lateTrips = new Map<string, { late: Map<string, { tripId: string; arrive: number }[]>; arrivals: Map<string, number> }>();

  constructor(
    private readonly net: NetworkIndex,
    private readonly couriers: CourierDomain,
    private readonly linehaul: LinehaulDomain,
    private readonly opts: { seed: number; storyline?: Storyline },
  ) {}

  /**
   * Trips arriving at each hub on a day, and those more than 30 min late: a late truck carries its share of
   * the hub's inbound parcels, and some of those become 延误 complaints.
   */
  private arrivalsOf(day: string) {
    const hit = this.lateTrips.get(day);
    if (hit) return hit;
    const late = new Map<string, { tripId: string; arrive: number }[]>();
    const arrivals = new Map<string, number>();
    for (let d = addDays(day, -2); d <= day; d = addDays(d, 1)) {
      for (const t of this.linehaul.tripsOf(d)) {
        const p = this.linehaul.plan(t, d);
        if (dayOf(p.arrive) !== day) continue;
        const hub = p.geo.route.destSiteId;
        arrivals.set(hub, (arrivals.get(hub) ?? 0) + 1);
        if (p.arrive - p.schedArr > 30 * MINUTE) late.set(hub, [...(late.get(hub) ?? []), { tripId: t.id, arrive: p.arrive }]);
      }
    }
    const v = { late, arrivals };
    this.lateTrips.set(day, v);
    for (const k of this.lateTrips.keys()) if (k < addDays(day, -6)) this.lateTrips.delete(k);
    return v;
  }

  plan(st: StationInfo, day: string): AftersalesDayPlan {
    const key = `${st.site.id}|${day}`;
    const hit = this.plans.get(key);
    if (hit) return hit;
    const seed = this.opts.seed;
    const r = Rand.of(seed, 'aftersales', st.site.id, day);
    const dp = this.couriers.plan(st, day);
    const complaints: Complaint[] = [];
    const ratings: Rating[] = [];
    const add = (c: Omit<Complaint, 'id' | 'responded' | 'responder' | 'resolved' | 'resolver' | 'outcome' | 'lateResponse' | 'lateResolution' | 'channel'>) => {
      const cr = Rand.of(seed, 'complaint', st.site.id, day, complaints.length);
      const lateResponse = cr.chance(RATES.firstResponseLate.value);
      const lateResolution = cr.chance(RATES.resolutionLate.value);
      const responded = c.opened + M.round((lateResponse ? cr.range(35, 150) : cr.range(2, 25)) * 60) * SECOND;
      const resolved = lateResolution ? (cr.chance(0.25) ? null : c.opened + M.round(cr.range(50, 80) * 3600) * SECOND) : M.max(responded + 10 * MINUTE, c.opened + M.round(cr.range(1, 30) * 3600) * SECOND);
      const agent = this.net.agents.length > 0 ? cr.pick(this.net.agents).id : (st.manager?.id ?? 'SYSTEM');
      const complaint: Complaint = {
        ...c,
        id: `CMP-${yymmdd(day)}-${codeOf(st.site.id)}-${seq(complaints.length + 1, 3)}`,
        channel: cr.weighted({ phone: 45, app: 35, web: 12, regulator: 8 }),
        responded,
        responder: agent,
        resolved,
        resolver: c.category === 'lost' || c.category === 'damaged' ? agent : (st.manager?.id ?? agent),
        outcome: cr.weighted(OUTCOMES[c.category]),
        lateResponse,
        lateResolution,
      };
      if (resolved !== null && cr.chance(0.65)) {
        complaint.rating = { at: resolved + M.round(cr.range(10, 720) * 60) * SECOND, score: Number(cr.weighted(lateResponse || lateResolution ? SCORES_LATE : SCORES_OK)) };
      }
      complaints.push(complaint);
    };
    const text = (c: Category) => r.pick(TEXTS[c]);
    for (const d of dp.deliveries) {
      const causes: [boolean, number, Category, string][] = [
        [d.outTooLong, COMPLAINT_PROPENSITY.D5, 'delay', 'D5'],
        [d.unauthorised, COMPLAINT_PROPENSITY.D4, 'lost', 'D4'],
        [d.far, COMPLAINT_PROPENSITY.D4, 'lost', 'D4'],
        [d.noConsent, COMPLAINT_PROPENSITY.D2, 'other', 'D2'],
        [d.noCall, COMPLAINT_PROPENSITY.D1, 'attitude', 'D1'],
      ];
      let complained = false;
      for (const [lapse, p, category, cause] of causes) {
        if (!complained && lapse && r.chance(p)) {
          complained = true;
          const base = cause === 'D5' ? d.out + 24 * HOUR : d.sign;
          add({ stationId: st.site.id, waybillNo: d.waybillNo, category, text: category === 'other' ? TEXTS.other[0] : text(category), cause, courierId: d.courierId, opened: base + M.round(r.range(1, 30) * 3600) * SECOND, spike: false });
        }
      }
      if (!complained && r.chance(BASELINE_COMPLAINTS_PER_10K / 10_000)) {
        const category = r.weighted(BASELINE_MIX);
        add({ stationId: st.site.id, waybillNo: d.waybillNo, category, text: text(category), cause: 'baseline', courierId: d.courierId, opened: d.sign + M.round(r.range(1, 30) * 3600) * SECOND, spike: false });
      }
      if (r.chance(RATES.deliveryRated.value)) {
        const lapse = d.noCall || d.noConsent || d.noPhoto || d.unauthorised || d.far || d.outTooLong;
        ratings.push({ at: d.sign + M.round(r.range(30, 720) * 60) * SECOND, stationId: st.site.id, touchpoint: 'delivery', score: Number(r.weighted(lapse ? DELIVERY_SCORES_LAPSE : DELIVERY_SCORES_OK)), waybillNo: d.waybillNo, courierId: d.courierId });
      }
    }
    for (const k of dp.pickups) {
      if (r.chance(0.03)) ratings.push({ at: k.at + M.round(r.range(30, 600) * 60) * SECOND, stationId: st.site.id, touchpoint: 'pickup', score: Number(r.weighted({ 5: 62, 4: 24, 3: 8, 2: 3, 1: 3 })), waybillNo: k.waybillNo, courierId: k.courierId });
    }
    // Late line-haul into the station's hub: a share of its parcels turn into 延误 complaints.
    const { late, arrivals } = this.arrivalsOf(day);
    for (const t of late.get(st.hub.id) ?? []) {
      const tr = Rand.of(seed, 'late-trip', t.tripId, st.site.id);
      const n = tr.poisson((dp.deliveries.length / (arrivals.get(st.hub.id) ?? 1)) * DELAYED_PARCEL_COMPLAINT_RATE);
      for (let i = 0; i < n; i++) {
        add({ stationId: st.site.id, waybillNo: `KJ${yymmdd(day)}${codeOf(st.site.id)}L${seq(complaints.length + 1, 4)}`, category: 'delay', text: '干线延误,快递迟迟未到', cause: `linehaul:${t.tripId}`, opened: t.arrive + M.round(tr.range(3, 20) * 3600) * SECOND, spike: false });
      }
    }
    // A bad day at the station (网点爆仓): a burst of complaints in four hours.
    let spike: AftersalesDayPlan['spike'];
    const sr = Rand.of(seed, 'spike', st.site.id, day);
    // The storyline's station: a burst of complaints right after the start, instead of a bad day's.
    const story = this.opts.storyline;
    const storyBurst = !!story && dayOf(story.at + STORY.complaintsFrom) === day && this.net.stations[storyPick(seed, 'station', this.net.stations.length)].site.id === st.site.id;
    if (storyBurst || sr.chance(RATES.complaintSpike.value)) {
      const n = storyBurst ? STORY.complaints : sr.int(6, 12);
      const from = storyBurst ? story!.at + STORY.complaintsFrom : dayStart(day) + M.round(sr.range(10, 14) * 3600) * SECOND;
      const times = Array.from({ length: n }, (_, k) => (storyBurst ? from + k * STORY.complaintEveryMs : from + M.round(sr.range(0, 4 * 3600)) * SECOND)).sort((a, b) => a - b);
      for (const at of times) {
        const category = sr.weighted<Category>({ delay: 60, attitude: 25, lost: 15, damaged: 0, other: 0 });
        add({ stationId: st.site.id, waybillNo: `KJ${yymmdd(day)}${codeOf(st.site.id)}S${seq(complaints.length + 1, 4)}`, category, text: '网点爆仓,派送滞后', cause: 'spike', opened: at, spike: true });
      }
      spike = { at: times[M.min(times.length, RULES.X3.defaults.minCount) - 1], count: n };
    }
    const by = (f: (c: Complaint) => number | null | undefined) =>
      complaints.filter((c) => f(c) != null).sort((a, b) => f(a)! - f(b)! || (a.id < b.id ? -1 : 1));
    const plan: AftersalesDayPlan = {
      station: st,
      day,
      deliveries: dp.deliveries.length,
      complaints,
      byOpened: by((c) => c.opened),
      byResponded: by((c) => c.responded),
      byResolved: by((c) => c.resolved),
      byRated: by((c) => c.rating?.at),
      ratings: ratings.sort((a, b) => a.at - b.at || a.waybillNo.localeCompare(b.waybillNo)),
      spike,
    };
    this.plans.set(key, plan);
    if (this.plans.size > this.net.stations.length * 8) {
      for (const [k, p] of this.plans) if (p.day < addDays(day, -6)) this.plans.delete(k);
    }
    return plan;
  }

  /** A fresh start: complaints opened before it and still open (with their first response, if given). */
  prelude(start: number, sink: Sink): void {
    for (const st of this.net.stations) {
      for (let d = addDays(dayOf(start), -5); d <= dayOf(start); d = addDays(d, 1)) {
        for (const c of this.plan(st, d).byOpened) {
          if (c.opened >= start || (c.resolved !== null && c.resolved < start)) continue;
          this.emitOpened(c, sink, start);
          if (c.responded < start) this.emitResponded(c, sink, start);
        }
        // The open cases of a day that already had five complaints may be enough for the hub to see a spike.
        const spike = this.spikeOf(st, d);
        if (spike && spike.at < start) this.spikeTruth(st, d, spike, sink, true);
      }
    }
  }

  /**
   * A day's complaint spike as the hub's X3 sees it: the planned burst, or (without one) the day's ordinary
   * complaints reaching the rule's minimum count. The hub also weighs the station's days before (its baseline),
   * which depends on what it holds; so an ordinary day's five, and anything before a run's start (the prelude sends
   * only the cases still open), may be raised but need not be.
   */
  private spikeOf(st: StationInfo, day: string): { at: number; count: number; planned: boolean } | null {
    const key = `${st.site.id}|${day}`;
    const hit = this.spikes.get(key);
    if (hit) return hit.spike;
    const spike = this.findSpike(st, day);
    this.spikes.set(key, { day, spike });
    if (this.spikes.size > this.net.stations.length * 8) {
      for (const [k, s] of this.spikes) if (s.day < addDays(day, -6)) this.spikes.delete(k);
    }
    return spike;
  }

  private findSpike(st: StationInfo, day: string): { at: number; count: number; planned: boolean } | null {
    const planned = this.plan(st, day).spike;
    if (planned) return { ...planned, planned: true };
    const d0 = dayStart(day);
    const times: number[] = [];
    // Complaints open up to 30 h after their cause: the plans of the days before hold some of this day's.
    for (let d = addDays(day, -5); d <= day; d = addDays(d, 1)) {
      for (const c of this.plan(st, d).byOpened) if (c.opened >= d0 && c.opened < d0 + DAY_MS) times.push(c.opened);
    }
    const n = RULES.X3.defaults.minCount;
    if (times.length < n) return null;
    times.sort((a, b) => a - b);
    return { at: times[n - 1], count: times.length, planned: false };
  }

  private spikeTruth(st: StationInfo, day: string, spike: { at: number; count: number; planned: boolean }, sink: Sink, beforeStart = false): void {
    const mayOnly = beforeStart || !spike.planned;
    sink.truth({
      id: `X3:${st.site.id}:${day}`,
      rule: 'X3',
      severity: RULES.X3.severity,
      at: isoUtc8(spike.at),
      dueAt: isoUtc8(spike.at),
      subject: { kind: 'site', id: st.site.id },
      siteId: st.site.id,
      detail: { complaints: spike.count, cause: spike.planned ? 'spike' : 'ordinary', ...(mayOnly ? { mayOnly: true } : {}) },
    });
  }

  private emitOpened(c: Complaint, sink: Sink, deliverAt = c.opened + 1000): void {
    const id = eventId(this.opts.seed, 'complaint', c.id, 'opened');
    sink.emit({
      event: { id, type: 'complaint.opened', at: isoUtc8(c.opened), complaintId: c.id, ...(c.waybillNo ? { waybillNo: c.waybillNo } : {}), siteId: c.stationId, category: c.category, channel: c.channel, text: c.text },
      atMs: c.opened,
      deliverAt,
      domain: 'aftersales',
    });
    // The complaint's courier goes in the detail, not personId: the hub holds A1/A2 against the site.
    const t = (rule: TruthEntry['rule'], due: number, detail: TruthEntry['detail']) =>
      sink.truth({ id: `${rule}:${c.id}`, rule, severity: RULES[rule].severity, at: isoUtc8(c.opened), dueAt: isoUtc8(due), subject: { kind: 'complaint', id: c.id }, siteId: c.stationId, complaintId: c.id, eventId: id, ...(c.waybillNo ? { waybillNo: c.waybillNo } : {}), detail: { ...detail, category: c.category, cause: c.cause, ...(c.courierId ? { courierId: c.courierId } : {}) } });
    if (c.lateResponse) t('A1', c.opened + RULES.A1.defaults.minutes * MINUTE, { respondedAfterMin: M.round((c.responded - c.opened) / MINUTE) });
    if (c.lateResolution) t('A2', c.opened + RULES.A2.defaults.hours * HOUR, { resolvedAfterH: c.resolved === null ? -1 : M.round((c.resolved - c.opened) / HOUR) });
  }

  private emitResponded(c: Complaint, sink: Sink, deliverAt = c.responded + 1000): void {
    sink.emit({ event: { id: eventId(this.opts.seed, 'complaint', c.id, 'responded'), type: 'complaint.responded', at: isoUtc8(c.responded), complaintId: c.id, siteId: c.stationId, by: c.responder }, atMs: c.responded, deliverAt, domain: 'aftersales' });
  }

  generate(from: number, to: number, sink: Sink): void {
    const seed = this.opts.seed;
    const live = (t: number) => t + 1000;
    for (const st of this.net.stations) {
      // Complaints follow their cause by up to 30 h and close up to 80 h later.
      for (let d = addDays(dayOf(from), -5); d <= dayOf(to - 1); d = addDays(d, 1)) {
        const p = this.plan(st, d);
        for (const c of slice(p.byOpened, (c) => c.opened, from, to)) this.emitOpened(c, sink);
        const spike = d >= dayOf(from) ? this.spikeOf(st, d) : null;
        if (spike && spike.at >= from && spike.at < to) this.spikeTruth(st, d, spike, sink);
        for (const c of slice(p.byResponded, (c) => c.responded, from, to)) this.emitResponded(c, sink);
        for (const c of slice(p.byResolved, (c) => c.resolved!, from, to)) {
          sink.emit({ event: { id: eventId(seed, 'complaint', c.id, 'resolved'), type: 'complaint.resolved', at: isoUtc8(c.resolved!), complaintId: c.id, siteId: c.stationId, by: c.resolver, outcome: c.outcome }, atMs: c.resolved!, deliverAt: live(c.resolved!), domain: 'aftersales' });
        }
        for (const c of slice(p.byRated, (c) => c.rating!.at, from, to)) {
          sink.emit({ event: { id: eventId(seed, 'rating', c.id), type: 'rating.submitted', at: isoUtc8(c.rating!.at), siteId: c.stationId, touchpoint: 'aftersales', score: c.rating!.score, complaintId: c.id, ...(c.waybillNo ? { waybillNo: c.waybillNo } : {}) }, atMs: c.rating!.at, deliverAt: live(c.rating!.at), domain: 'aftersales' });
        }
        for (const g of slice(p.ratings, (g) => g.at, from, to)) {
          sink.emit({ event: { id: eventId(seed, 'rating', g.waybillNo, g.touchpoint), type: 'rating.submitted', at: isoUtc8(g.at), siteId: g.stationId, touchpoint: g.touchpoint, score: g.score, waybillNo: g.waybillNo, courierId: g.courierId }, atMs: g.at, deliverAt: live(g.at), domain: 'aftersales' });
        }
      }
    }
  }
}

export type { Delivery };
