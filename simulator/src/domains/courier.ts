import { REQUIRED_WAYBILL_FIELDS, RULES, type WaybillFields } from '@kanjian/shared';
import { STORY, storyPick, type Storyline } from '../engine/storyline';
import { eventId } from '../core/ids';
import { hashKey, Rand } from '../core/random';
import { addDays, dayOf, dayStart, HOUR, isoUtc8, MINUTE, SECOND, yymmdd } from '../core/time';
import { Curve, CURVES, RATES, seasonalMultiplier } from '../model/calibration';
import { codeOf, seq } from '../model/codes';
import { address, ORDINARY_CONTENTS, personName, phone, PROHIBITED_CONTENTS } from '../model/identity';
import { haversineKm, offsetKm, type NetworkIndex, type StationInfo } from '../model/network-index';
import type { EvidenceFactory } from '../engine/evidence';
import type { Domain, EvidenceBlob, Sink, TruthEntry } from '../engine/types';
import { slice } from './sorting';

/** Builtins bound once: Jest's vm context makes every global lookup slow in hot loops (jestjs/jest#5163). */
const M = Math;

/** End-to-end time of a courier-picked parcel: log-normal with mean 54.2 h and 83.8 % within 72 h (DOMAIN.md). */
export const E2E_MEDIAN_H = 51.0;
export const E2E_SIGMA = 0.35;
/** Parcels a courier delivers that entered the network in bulk (e-commerce), besides couriers' own pickups. */
export const BULK_DELIVERIES_PER_COURIER = 75;

export interface Pickup {
  n: number;
  stationId: string;
  courierId: string;
  at: number;
  waybillNo: string;
  noPhoto: boolean;
  prohibited: boolean;
  missing: (keyof WaybillFields)[];
  noInsurance: boolean;
  noRealName: boolean;
  destStationId: string;
  signTarget: number;
  lat: number;
  lon: number;
}

interface FlowParcel {
  waybillNo: string;
  pickupAt: number;
  signTarget: number;
  origin: string;
  /** 0: the morning round (out 08:00–09:00), 1: the afternoon round (out 13:00–14:00). */
  round: 0 | 1;
}

/**
 * The delivery round a parcel makes: the round nearest its target time that goes out at least 6 h after the
 * pickup (line-haul and two sorts take that long at the very least).
 */
export function deliverySlot(pickupAt: number, target: number): { day: string; round: 0 | 1 } {
  let day = dayOf(target);
  let round: 0 | 1 = (target - dayStart(day)) / HOUR >= 13.5 ? 1 : 0;
  for (;;) {
    const out = dayStart(day) + (round === 0 ? 8 : 13) * HOUR;
    if (out >= pickupAt + 6 * HOUR) return { day, round };
    if (round === 0) round = 1;
    else {
      day = addDays(day, 1);
      round = 0;
    }
  }
}

export type DropMethod = 'in_person' | 'locker' | 'station';

export interface Delivery {
  n: number;
  stationId: string;
  courierId: string;
  waybillNo: string;
  linked?: FlowParcel;
  out: number;
  call?: { at: number; answered: boolean; durationS: number };
  consent?: { at: number; channel: 'sms' | 'app' | 'phone'; dropPoint: 'locker' | 'station' | 'neighbour' | 'door'; granted: boolean };
  sign: number;
  method: DropMethod;
  signer: 'recipient' | 'authorised_proxy' | 'unauthorised_proxy' | 'none';
  noCall: boolean;
  noConsent: boolean;
  noPhoto: boolean;
  unauthorised: boolean;
  far: boolean;
  outTooLong: boolean;
  addrLat: number;
  addrLon: number;
  signLat: number;
  signLon: number;
  /** A courier-picked parcel reaches the destination hub a few hours before it goes out. */
  hubArrival?: number;
}

interface Spell {
  from: number;
  to: number;
  uploadAt: number;
}

export interface StationDayPlan {
  station: StationInfo;
  day: string;
  pickups: Pickup[];
  deliveries: Delivery[];
  byOut: Delivery[];
  byCall: Delivery[];
  byConsent: Delivery[];
  bySign: Delivery[];
  byHubArrival: Delivery[];
  spells: Map<string, Spell[]>;
}

export interface CourierOptions {
  seed: number;
  volume: number;
  storyline?: Storyline;
}

export class CourierDomain implements Domain {
  readonly name = 'courier' as const;
  /** Offline spells last at most 45 min, uploaded within a minute after. */
  readonly maxUploadDelayMs = 50 * MINUTE;
  private readonly pickupCurve = new Curve(CURVES.pickup);
  private readonly pickupCache = new Map<string, Pickup[]>();
  private readonly flows = new Map<string, Map<string, FlowParcel[]>>();
  private readonly plans = new Map<string, StationDayPlan>();
  private readonly destTable: { station: StationInfo; w: number }[];
  private readonly destTotal: number;
  private readonly careless = new Map<string, number>();

  constructor(
    private readonly net: NetworkIndex,
    private readonly evidence: EvidenceFactory,
    private readonly opts: CourierOptions,
  ) {
    // Parcels go where volume is: a station's share is its hub's sorting capacity split over its stations.
    this.destTable = net.stations.map((s) => ({ station: s, w: net.hubWeight(s.hub.id) / (net.stationsByHub.get(s.hub.id)?.length ?? 1) }));
    this.destTotal = this.destTable.reduce((s, d) => s + d.w, 0);
  }

  private mult(day: string): number {
    return seasonalMultiplier(day) * this.opts.volume;
  }

  private courierFactor(courierId: string): number {
    return Rand.of(this.opts.seed, 'courier-factor', courierId).range(0.8, 1.2);
  }

  /** How careless a courier is: multiplies their lapse rates (log-normal, mean 1). */
  carelessness(courierId: string): number {
    let f = this.careless.get(courierId);
    if (f === undefined) {
      const s = RATES.courierCarelessnessSigma.value;
      f = M.exp(s * Rand.of(this.opts.seed, 'careless', courierId).normal() - (s * s) / 2);
      this.careless.set(courierId, f);
    }
    return f;
  }

  pickups(st: StationInfo, day: string): Pickup[] {
    const key = `${st.site.id}|${day}`;
    const hit = this.pickupCache.get(key);
    if (hit) return hit;
    const seed = this.opts.seed;
    const r = Rand.of(seed, 'pickups', st.site.id, day);
    const start = dayStart(day);
    const out: Pickup[] = [];
    for (const c of st.couriers) {
      const k = r.poisson(RATES.pickupsPerCourier.value * this.mult(day) * this.courierFactor(c.id));
      for (let i = 0; i < k; i++) {
        const at = start + M.floor(this.pickupCurve.hourAt(r.next()) * HOUR / SECOND) * SECOND;
        out.push({ n: 0, stationId: st.site.id, courierId: c.id, at, waybillNo: '', noPhoto: false, prohibited: false, missing: [], noInsurance: false, noRealName: false, destStationId: '', signTarget: 0, lat: 0, lon: 0 });
      }
    }
    out.sort((a, b) => a.at - b.at || a.courierId.localeCompare(b.courierId));
    out.forEach((p, i) => this.fillPickup(st, p, i + 1, `KJ${yymmdd(day)}${codeOf(st.site.id)}P${seq(i + 1, 4)}`));
    // The storyline's pickup without an inspection photo, on its own waybill series (the others stay as they are).
    const story = this.opts.storyline;
    const courier = this.storyCourier(st, day);
    if (story && courier) {
      const p: Pickup = { n: 0, stationId: st.site.id, courierId: courier, at: story.at + STORY.pickupAt, waybillNo: '', noPhoto: false, prohibited: false, missing: [], noInsurance: false, noRealName: false, destStationId: '', signTarget: 0, lat: 0, lon: 0 };
      this.fillPickup(st, p, out.length + 1, `KJ${yymmdd(day)}${codeOf(st.site.id)}Q0001`);
      Object.assign(p, { noPhoto: true, prohibited: false, missing: [], noInsurance: false, noRealName: false });
      out.push(p);
      out.sort((a, b) => a.at - b.at || a.n - b.n);
    }
    this.pickupCache.set(key, out);
    // Flows look 7 days back: keep 10 days of pickups.
    if (this.pickupCache.size > this.net.stations.length * 12) {
      for (const k of this.pickupCache.keys()) if (k.slice(-10) < addDays(day, -9)) this.pickupCache.delete(k);
    }
    return out;
  }

  /** The courier of the storyline's pickup, when `st` on `day` is where it happens. */
  private storyCourier(st: StationInfo, day: string): string | null {
    const story = this.opts.storyline;
    if (!story || dayOf(story.at + STORY.pickupAt) !== day || st.couriers.length === 0) return null;
    if (this.net.stations[storyPick(this.opts.seed, 'station', this.net.stations.length)].site.id !== st.site.id) return null;
    return st.couriers[storyPick(this.opts.seed, 'courier', st.couriers.length)].id;
  }

  /** A pickup's waybill, its lapses (by the courier's carelessness), destination and where it was. */
  private fillPickup(st: StationInfo, p: Pickup, n: number, waybillNo: string): void {
    p.n = n;
    p.waybillNo = waybillNo;
    const pr = Rand.of(this.opts.seed, 'parcel', p.waybillNo);
    const f = this.carelessness(p.courierId);
    p.noPhoto = pr.chance(RATES.noInspectionPhoto.value * f);
    p.prohibited = pr.chance(RATES.prohibitedItem.value);
    const m = pr.next();
    const many = RATES.waybillFieldsMissingMany.value * f;
    const nMissing = m < many ? pr.int(3, 5) : m < many + RATES.waybillFieldsMissingFew.value * f ? pr.int(1, 2) : 0;
    const fields = [...REQUIRED_WAYBILL_FIELDS];
    for (let j = 0; j < nMissing; j++) p.missing.push(fields.splice(pr.int(0, fields.length - 1), 1)[0]);
    p.noInsurance = pr.chance(RATES.insuranceNotOffered.value * f);
    p.noRealName = pr.chance(RATES.realNameNotVerified.value * f);
    let u = pr.next() * this.destTotal;
    let dest = this.destTable[this.destTable.length - 1].station;
    for (const d of this.destTable) {
      u -= d.w;
      if (u < 0) {
        dest = d.station;
        break;
      }
    }
    p.destStationId = dest.site.id;
    const e2eH = M.min(160, M.max(8, E2E_MEDIAN_H * M.exp(E2E_SIGMA * pr.normal())));
    p.signTarget = p.at + M.round(e2eH * HOUR);
    [p.lat, p.lon] = offsetKm(st.site.lat, st.site.lon, pr.range(0.3, 4), pr.range(0, 360));
  }

  /** Courier-picked parcels due to be signed on `day`, by destination station (picked up over the 7 days before). */
  private flowInto(day: string): Map<string, FlowParcel[]> {
    const hit = this.flows.get(day);
    if (hit) return hit;
    const m = new Map<string, FlowParcel[]>();
    for (let d = addDays(day, -7); d <= day; d = addDays(d, 1)) {
      for (const st of this.net.stations) {
        for (const p of this.pickups(st, d)) {
          if (p.prohibited) continue; // a prohibited item is stopped, not delivered
          const slot = deliverySlot(p.at, p.signTarget);
          if (slot.day !== day) continue;
          const list = m.get(p.destStationId) ?? [];
          list.push({ waybillNo: p.waybillNo, pickupAt: p.at, signTarget: p.signTarget, origin: p.stationId, round: slot.round });
          m.set(p.destStationId, list);
        }
      }
    }
    this.flows.set(day, m);
    for (const k of this.flows.keys()) if (k < addDays(day, -2)) this.flows.delete(k);
    return m;
  }

  plan(st: StationInfo, day: string): StationDayPlan {
    const key = `${st.site.id}|${day}`;
    const hit = this.plans.get(key);
    if (hit) return hit;
    const seed = this.opts.seed;
    const r = Rand.of(seed, 'deliveries', st.site.id, day);
    const start = dayStart(day);
    const couriers = st.couriers;
    const deliveries: Delivery[] = [];
    const spells = new Map<string, Spell[]>();
    const linked = couriers.length > 0 ? (this.flowInto(day).get(st.site.id) ?? []) : [];
    const perCourier = new Map<string, { parcel?: FlowParcel; bulk?: number }[]>();
    for (const c of couriers) {
      const list: { parcel?: FlowParcel; bulk?: number }[] = [];
      const nBulk = r.poisson(BULK_DELIVERIES_PER_COURIER * this.mult(day) * this.courierFactor(c.id));
      for (let i = 0; i < nBulk; i++) list.push({ bulk: i });
      perCourier.set(c.id, list);
      const cs: Spell[] = [];
      const nSpells = r.poisson(0.8);
      for (let i = 0; i < nSpells; i++) {
        const from = start + M.round(r.range(8, 19) * 3600) * SECOND;
        const to = from + M.round(r.range(10, 45) * 60) * SECOND;
        cs.push({ from, to, uploadAt: to + M.round(r.range(5, 60)) * SECOND });
      }
      // The storyline's pickup is uploaded live: its courier has no offline spell then.
      const storyAt = c.id === this.storyCourier(st, day) ? this.opts.storyline!.at + STORY.pickupAt : null;
      spells.set(c.id, cs.filter((x) => storyAt === null || !(x.from <= storyAt + MINUTE && x.uploadAt >= storyAt)).sort((a, b) => a.from - b.from));
    }
    for (const p of linked) perCourier.get(couriers[hashKey(p.waybillNo) % couriers.length].id)?.push({ parcel: p });
    let n = 0;
    for (const c of couriers) {
      const round1 = start + M.round(r.range(8, 9) * 3600) * SECOND;
      const round2 = start + M.round(r.range(13, 14) * 3600) * SECOND;
      const items = perCourier.get(c.id) ?? [];
      const rounds: { start: number; items: typeof items }[] = [
        { start: round1, items: [] },
        { start: round2, items: [] },
      ];
      for (const it of items) {
        const second = it.parcel ? it.parcel.round === 1 : r.chance(0.4);
        rounds[second ? 1 : 0].items.push(it);
      }
      for (const round of rounds) {
        const k = round.items.length;
        const order = round.items.map((it, i) => ({ it, key: it.parcel ? it.parcel.signTarget : start + r.range(9, 17) * HOUR, i })).sort((a, b) => a.key - b.key || a.i - b.i);
        order.forEach(({ it }, i) => {
          n++;
          const waybillNo = it.parcel ? it.parcel.waybillNo : `KJ${yymmdd(day)}${codeOf(st.site.id)}B${seq(n, 4)}`;
          const out = round.start + i * 4 * SECOND;
          const sign = M.round((round.start + 20 * MINUTE + ((i + r.next()) / M.max(1, k)) * 3.3 * HOUR) / SECOND) * SECOND;
          deliveries.push(this.delivery(st, c.id, n, waybillNo, out, sign, it.parcel));
        });
      }
    }
    const by = (f: (d: Delivery) => number | undefined) =>
      deliveries
        .map((d) => ({ d, k: f(d) }))
        .filter((x): x is { d: Delivery; k: number } => x.k !== undefined)
        .sort((a, b) => a.k - b.k || a.d.n - b.d.n)
        .map((x) => x.d);
    const plan: StationDayPlan = {
      station: st,
      day,
      pickups: this.pickups(st, day),
      deliveries,
      byOut: by((d) => d.out),
      byCall: by((d) => d.call?.at),
      byConsent: by((d) => d.consent?.at),
      bySign: by((d) => d.sign),
      byHubArrival: by((d) => d.hubArrival),
      spells,
    };
    this.plans.set(key, plan);
    if (this.plans.size > this.net.stations.length * 4) {
      for (const [k, p] of this.plans) if (p.day < addDays(day, -2)) this.plans.delete(k);
    }
    return plan;
  }

  private delivery(st: StationInfo, courierId: string, n: number, waybillNo: string, out: number, plannedSign: number, linked?: FlowParcel): Delivery {
    const r = Rand.of(this.opts.seed, 'delivery', waybillNo);
    const u = r.next();
    let method: DropMethod = u < RATES.lockerShare.value ? 'locker' : u < RATES.lockerShare.value + RATES.stationShare.value ? 'station' : 'in_person';
    if (method === 'locker' && !st.locker) method = 'station';
    if (method === 'station' && !st.post) method = 'in_person';
    const f = this.carelessness(courierId);
    const outTooLong = r.chance(RATES.outTooLong.value);
    const sign = outTooLong ? out + M.round(r.range(25, 30) * 3600) * SECOND : plannedSign;
    const noCall = r.chance(RATES.noCall.value * f);
    const noPhoto = r.chance(RATES.noSignOffPhoto.value * f);
    // The per-delivery rate, drawn among hand-overs only (55 % of deliveries).
    const unauthorised = method === 'in_person' && r.chance((RATES.unauthorisedProxy.value / 0.55) * f);
    const far = method === 'in_person' && !unauthorised && r.chance(RATES.signedFarAway.value * f);
    const drop = method !== 'in_person';
    const noConsent = drop && r.chance(RATES.dropWithoutConsent.value * f);
    const refused = noConsent && r.chance(0.25);
    const proxy = method === 'in_person' && !unauthorised && r.chance(0.1);
    const signer = method !== 'in_person' ? 'none' : unauthorised ? 'unauthorised_proxy' : proxy ? 'authorised_proxy' : 'recipient';
    const [addrLat, addrLon] = offsetKm(st.site.lat, st.site.lon, r.range(0.5, 5), r.range(0, 360));
    let signLat = addrLat;
    let signLon = addrLon;
    if (method === 'locker' && st.locker) [signLat, signLon] = [st.locker.lat, st.locker.lon];
    else if (method === 'station' && st.post) [signLat, signLon] = [st.post.lat, st.post.lon];
    else if (far) [signLat, signLon] = offsetKm(addrLat, addrLon, r.range(0.8, 5), r.range(0, 360));
    else [signLat, signLon] = offsetKm(addrLat, addrLon, r.range(0.01, 0.08), r.range(0, 360));
    const d: Delivery = { n, stationId: st.site.id, courierId, waybillNo, linked, out, sign, method, signer, noCall, noConsent, noPhoto, unauthorised, far, outTooLong, addrLat, addrLon, signLat, signLon };
    if (linked) d.hubArrival = M.max(linked.pickupAt + 4 * HOUR, out - (3 + r.int(0, 6)) * HOUR);
    const gap = sign - out;
    if (!noCall) {
      const lead = M.min(r.range(10, 90) * MINUTE, gap * 0.6);
      const answered = r.chance(RATES.callAnswered.value);
      d.call = { at: M.round((sign - lead) / SECOND) * SECOND, answered, durationS: answered ? r.int(15, 90) : 0 };
    }
    const needsConsent = drop || proxy;
    if (needsConsent && (!noConsent || refused)) {
      const dropPoint = method === 'locker' ? 'locker' : method === 'station' ? 'station' : r.chance(0.5) ? 'neighbour' : 'door';
      if (d.call?.answered) d.consent = { at: d.call.at + d.call.durationS * SECOND, channel: 'phone', dropPoint, granted: !refused };
      else {
        const ref = d.call?.at ?? sign - M.min(60 * MINUTE, gap * 0.6);
        const at = M.min(ref + M.round(r.range(3, 25) * 60) * SECOND, sign - MINUTE);
        d.consent = { at: M.max(out + SECOND, at), channel: r.chance(0.6) ? 'sms' : 'app', dropPoint, granted: !refused };
      }
    }
    return d;
  }

  /** When the courier's app uploads a fact of time t: live, or in the burst after an offline spell. */
  uploadAt(plan: StationDayPlan, courierId: string, t: number): number {
    for (const s of plan.spells.get(courierId) ?? []) {
      if (t >= s.from && t < s.uploadAt) return s.uploadAt + M.floor((t - s.from) / 1000);
    }
    return t + 1000 + (hashKey(courierId, t) % 4000);
  }

  generate(from: number, to: number, sink: Sink): void {
    for (const st of this.net.stations) {
      for (let d = addDays(dayOf(from), -1); d <= dayOf(to - 1); d = addDays(d, 1)) {
        const p = this.plan(st, d);
        for (const k of slice(p.pickups, (x) => x.at, from, to)) this.emitPickup(p, k, sink);
        for (const x of slice(p.byHubArrival, (x) => x.hubArrival!, from, to)) this.emitHubArrival(p, x, sink);
        for (const x of slice(p.byOut, (x) => x.out, from, to)) this.emitOut(p, x, sink);
        for (const x of slice(p.byCall, (x) => x.call!.at, from, to)) this.emitCall(p, x, sink);
        for (const x of slice(p.byConsent, (x) => x.consent!.at, from, to)) this.emitConsent(p, x, sink);
        for (const x of slice(p.bySign, (x) => x.sign, from, to)) this.emitSigned(p, x, sink);
      }
      // A parcel delivered in the morning reaches its hub up to 9 h before, the evening before.
      const ahead = this.plan(st, addDays(dayOf(to - 1), 1));
      for (const x of slice(ahead.byHubArrival, (x) => x.hubArrival!, from, to)) this.emitHubArrival(ahead, x, sink);
    }
  }

  /**
   * A fresh start at `start`: the parcels still out for delivery carry their history (out, the call, the
   * consent, the hub arrival) from before it, uploaded at once, so the hub judges their sign-offs on what
   * really happened.
   */
  prelude(start: number, sink: Sink): void {
    for (const st of this.net.stations) {
      for (let d = addDays(dayOf(start), -2); d <= dayOf(start); d = addDays(d, 1)) {
        const p = this.plan(st, d);
        for (const x of p.byOut) {
          if (x.out >= start || x.sign < start) continue;
          if (x.hubArrival !== undefined && x.hubArrival < start) this.emitHubArrival(p, x, sink, start);
          this.emitOut(p, x, sink, start);
          if (x.call && x.call.at < start) this.emitCall(p, x, sink, start);
          if (x.consent && x.consent.at < start) this.emitConsent(p, x, sink, start);
        }
      }
    }
  }

  private emitPickup(p: StationDayPlan, k: Pickup, sink: Sink): void {
    const seed = this.opts.seed;
    const st = p.station;
    const r = Rand.of(seed, 'waybill', k.waybillNo);
    const contents = k.prohibited ? r.pick(PROHIBITED_CONTENTS) : r.pick(ORDINARY_CONTENTS);
    const dest = this.net.stationById.get(k.destStationId);
    const insured = !k.noInsurance && r.chance(0.3) ? r.pick([500, 1000, 2000, 3000, 5000]) : undefined;
    const full: WaybillFields = {
      senderName: personName(r),
      senderAddress: address(r, st.site.city),
      senderPhone: phone(r),
      recipientName: personName(r),
      recipientAddress: address(r, dest?.site.city ?? st.site.city),
      recipientPhone: phone(r),
      itemName: contents.name,
      itemNature: contents.nature,
      quantity: r.int(1, 3),
      weightKg: M.round(r.range(0.2, 12) * 10) / 10,
      feeYuan: r.int(8, 30),
      ...(insured ? { insuredValueYuan: insured } : {}),
      paymentType: r.weighted({ prepaid: 70, collect: 10, monthly: 15, third_party: 5 }),
    };
    for (const f of k.missing) delete full[f];
    const photo = k.noPhoto ? undefined : this.evidence.inspectionPhoto(k.waybillNo, k.at);
    const id = eventId(seed, 'pickup', k.waybillNo);
    const deliverAt = this.uploadAt(p, k.courierId, k.at);
    sink.emit({
      event: {
        id,
        type: 'pickup.completed',
        at: isoUtc8(k.at),
        source: `app:${k.courierId}`,
        waybillNo: k.waybillNo,
        courierId: k.courierId,
        siteId: st.site.id,
        ...(photo ? { inspectionPhoto: photo.ref } : {}),
        declaredContents: contents.name,
        waybill: full,
        insuranceOffered: !k.noInsurance,
        realNameVerified: !k.noRealName,
        lat: round6(k.lat),
        lon: round6(k.lon),
      },
      atMs: k.at,
      deliverAt,
      domain: 'courier',
      blobs: blobs(photo?.blob),
    });
    sink.emit({
      event: { id: eventId(seed, 'track', k.waybillNo, 1), type: 'waybill.tracking', at: isoUtc8(k.at), waybillNo: k.waybillNo, status: 1, siteId: st.site.id, note: '已揽收' },
      atMs: k.at,
      deliverAt: deliverAt + 1,
      domain: 'courier',
    });
    const t = (rule: TruthEntry['rule'], severity: TruthEntry['severity'], detail?: TruthEntry['detail']) =>
      sink.truth({ id: `${rule}:${k.waybillNo}`, rule, severity, at: isoUtc8(k.at), dueAt: isoUtc8(k.at), subject: { kind: 'waybill', id: k.waybillNo }, siteId: st.site.id, personId: k.courierId, waybillNo: k.waybillNo, eventId: id, ...(detail ? { detail } : {}) });
    if (k.noPhoto) t('P1', RULES.P1.severity);
    if (k.prohibited) t('P2', RULES.P2.severity, { contents: contents.name });
    if (k.missing.length > 0) t('P3', k.missing.length >= RULES.P3.defaults.missingForViolation ? 'violation' : 'warning', { missing: k.missing.length, fields: k.missing.join(',') });
    if (k.noInsurance) t('P4', RULES.P4.severity);
    if (k.noRealName) t('P5', RULES.P5.severity);
  }

  private emitHubArrival(p: StationDayPlan, x: Delivery, sink: Sink, deliverAt?: number): void {
    const at = x.hubArrival!;
    sink.emit({
      event: { id: eventId(this.opts.seed, 'track', x.waybillNo, 1001), type: 'waybill.tracking', at: isoUtc8(at), waybillNo: x.waybillNo, status: 1001, siteId: p.station.hub.id, note: `到达${p.station.hub.name}` },
      atMs: at,
      deliverAt: deliverAt ?? at + 2000,
      domain: 'courier',
    });
  }

  private emitOut(p: StationDayPlan, x: Delivery, sink: Sink, uploadAt?: number): void {
    const seed = this.opts.seed;
    const id = eventId(seed, 'out', x.waybillNo);
    const deliverAt = uploadAt ?? this.uploadAt(p, x.courierId, x.out);
    sink.emit({ event: { id, type: 'delivery.out', at: isoUtc8(x.out), source: `app:${x.courierId}`, waybillNo: x.waybillNo, courierId: x.courierId, siteId: x.stationId }, atMs: x.out, deliverAt, domain: 'courier' });
    sink.emit({
      event: { id: eventId(seed, 'track', x.waybillNo, 5), type: 'waybill.tracking', at: isoUtc8(x.out), waybillNo: x.waybillNo, status: 5, siteId: x.stationId, note: '派件中' },
      atMs: x.out,
      deliverAt: deliverAt + 1,
      domain: 'courier',
    });
    if (x.outTooLong) {
      sink.truth({ id: `D5:${x.waybillNo}`, rule: 'D5', severity: RULES.D5.severity, at: isoUtc8(x.out), dueAt: isoUtc8(x.out + RULES.D5.defaults.hours * HOUR), subject: { kind: 'waybill', id: x.waybillNo }, siteId: x.stationId, personId: x.courierId, waybillNo: x.waybillNo, eventId: id, detail: { signedAfterH: M.round(((x.sign - x.out) / HOUR) * 10) / 10 } });
    }
  }

  private emitCall(p: StationDayPlan, x: Delivery, sink: Sink, deliverAt?: number): void {
    const c = x.call!;
    sink.emit({
      event: { id: eventId(this.opts.seed, 'call', x.waybillNo), type: 'delivery.call', at: isoUtc8(c.at), source: `app:${x.courierId}`, waybillNo: x.waybillNo, courierId: x.courierId, siteId: x.stationId, answered: c.answered, durationS: c.durationS },
      atMs: c.at,
      deliverAt: deliverAt ?? this.uploadAt(p, x.courierId, c.at),
      domain: 'courier',
    });
  }

  private emitConsent(_p: StationDayPlan, x: Delivery, sink: Sink, deliverAt?: number): void {
    const c = x.consent!;
    // The customer's SMS reply or in-app confirmation reaches the hub directly, not through the courier's phone.
    sink.emit({
      event: { id: eventId(this.opts.seed, 'consent', x.waybillNo), type: 'delivery.consent', at: isoUtc8(c.at), waybillNo: x.waybillNo, siteId: x.stationId, courierId: x.courierId, channel: c.channel, dropPoint: c.dropPoint, granted: c.granted },
      atMs: c.at,
      deliverAt: deliverAt ?? c.at + 1500,
      domain: 'courier',
    });
  }

  private emitSigned(p: StationDayPlan, x: Delivery, sink: Sink): void {
    const seed = this.opts.seed;
    const photo = x.noPhoto ? undefined : this.evidence.signOffPhoto(`${x.waybillNo}:sign`, x.sign, x.method);
    const id = eventId(seed, 'signed', x.waybillNo);
    const deliverAt = this.uploadAt(p, x.courierId, x.sign);
    const signerName = x.signer === 'recipient' || x.signer === 'authorised_proxy' || x.signer === 'unauthorised_proxy' ? personName(Rand.of(seed, 'signer', x.waybillNo)) : undefined;
    sink.emit({
      event: {
        id,
        type: 'delivery.signed',
        at: isoUtc8(x.sign),
        source: `app:${x.courierId}`,
        waybillNo: x.waybillNo,
        courierId: x.courierId,
        siteId: x.stationId,
        method: x.method,
        signer: x.signer,
        ...(signerName ? { signerName } : {}),
        ...(photo ? { photo: photo.ref } : {}),
        lat: round6(x.signLat),
        lon: round6(x.signLon),
        // The address is only judged for a hand-over; a locker or 驿站 is where it is.
        ...(x.method === 'in_person' ? { addressLat: round6(x.addrLat), addressLon: round6(x.addrLon) } : {}),
      },
      atMs: x.sign,
      deliverAt,
      domain: 'courier',
      blobs: blobs(photo?.blob),
    });
    const status = x.method !== 'in_person' ? 501 : x.signer === 'recipient' ? 301 : 303;
    sink.emit({
      event: { id: eventId(seed, 'track', x.waybillNo, status), type: 'waybill.tracking', at: isoUtc8(x.sign), waybillNo: x.waybillNo, status, siteId: x.stationId, note: status === 501 ? (x.method === 'locker' ? '已投柜' : '已存驿站') : '已签收' },
      atMs: x.sign,
      deliverAt: deliverAt + 1,
      domain: 'courier',
    });
    const t = (rule: TruthEntry['rule'], suffix: string, detail?: TruthEntry['detail']) =>
      sink.truth({ id: `${rule}:${x.waybillNo}${suffix}`, rule, severity: RULES[rule].severity, at: isoUtc8(x.sign), dueAt: isoUtc8(x.sign), subject: { kind: 'waybill', id: x.waybillNo }, siteId: x.stationId, personId: x.courierId, waybillNo: x.waybillNo, eventId: id, ...(detail ? { detail } : {}) });
    if (x.noCall) t('D1', '');
    if (x.noConsent) t('D2', '', { consent: x.consent ? 'refused' : 'none', method: x.method });
    if (x.noPhoto) t('D3', '');
    if (x.unauthorised) t('D4', '', { reason: 'unauthorised_proxy' });
    if (x.far) t('D4', '', { reason: 'far', distanceM: M.round(haversineKm(x.signLat, x.signLon, x.addrLat, x.addrLon) * 1000) });
  }
}

function blobs(b: EvidenceBlob | undefined): EvidenceBlob[] | undefined {
  return b ? [b] : undefined;
}

const round6 = (x: number) => M.round(x * 1e6) / 1e6;
