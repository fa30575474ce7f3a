import type { RuleId } from '@kanjian/shared';
import { DAY_MS, MINUTE, HOUR } from '../core/time';
import { RATES, type RateKey } from '../model/calibration';
import type { NetworkIndex } from '../model/network-index';
import type { Emitted, TruthEntry } from './types';

/** Builtins bound once: Jest's vm context makes every global lookup slow in hot loops (jestjs/jest#5163). */
const M = Math;

export interface MeasuredRate {
  key: RateKey;
  measured: number;
  expected: number;
  band: [number, number];
  /** How many cases the measurement rests on (the denominator). */
  basis: number;
  /** How many of them showed it (the numerator; for per-10,000 rates, the count of events). */
  count: number;
  inBand: boolean;
  /**
   * Whether the count is what the stated rate predicts on this basis, within 3.3 standard deviations (99.9 %):
   * the fair test where a day holds too few cases for the band (a handful of complaints on a small network).
   */
  consistent: boolean;
}

/**
 * Measures, from what was actually emitted, the rates RATES promises: the CLI logs them while it runs and the
 * rate tests hold a simulated day against their bands.
 */
export class RateMeter {
  readonly byType = new Map<string, number>();
  readonly byDomain = new Map<string, number>();
  readonly truths = new Map<RuleId, number>();
  private readonly c = new Map<string, number>();
  private readonly pickupAt = new Map<string, number>();
  private readonly e2e: number[] = [];
  private readonly coldVehicles = new Set<string>();
  private readonly vehiclesSeen = new Set<string>();
  private firstAt = Infinity;
  private lastAt = -Infinity;

  constructor(private readonly index: NetworkIndex) {}

  private inc(k: string, n = 1): void {
    this.c.set(k, (this.c.get(k) ?? 0) + n);
  }
  count(k: string): number {
    return this.c.get(k) ?? 0;
  }

  emitted(e: Emitted): void {
    const ev = e.event;
    this.byType.set(ev.type, (this.byType.get(ev.type) ?? 0) + 1);
    this.byDomain.set(e.domain, (this.byDomain.get(e.domain) ?? 0) + 1);
    this.firstAt = M.min(this.firstAt, e.atMs);
    this.lastAt = M.max(this.lastAt, e.atMs);
    if (e.domain === 'courier') {
      this.inc('courierEvents');
      if (e.deliverAt - e.atMs >= 5 * MINUTE) this.inc('courierLate');
    }
    switch (ev.type) {
      case 'vehicle.departed': {
        this.inc('trips');
        this.vehiclesSeen.add(ev.vehicleId);
        if (this.index.vehicles.get(ev.vehicleId)?.coldProfile !== 'none') {
          this.inc('coldTrips');
          this.coldVehicles.add(ev.vehicleId);
        }
        break;
      }
      case 'sorting.scan':
        this.inc('parcelsSorted', ev.parcels);
        break;
      case 'sorting.violation':
        if (ev.kind !== 'kick' && (ev.dropHeightCm ?? 0) <= 50) this.inc('subThreshold');
        break;
      case 'sorting.exception':
        if (ev.status === 'detected') this.inc('exceptions');
        break;
      case 'pickup.completed':
        this.inc('pickups');
        this.pickupAt.set(ev.waybillNo, e.atMs);
        break;
      case 'delivery.out':
        this.inc('outs');
        break;
      case 'delivery.call':
        this.inc('calls');
        if (ev.answered) this.inc('callsAnswered');
        break;
      case 'delivery.signed': {
        this.inc('signed');
        this.inc(`signed:${ev.method}`);
        const p = this.pickupAt.get(ev.waybillNo);
        if (p !== undefined) {
          this.e2e.push((e.atMs - p) / HOUR);
          this.pickupAt.delete(ev.waybillNo);
        }
        break;
      }
      case 'complaint.opened':
        this.inc('complaints');
        this.inc(`complaint:${ev.category}`);
        break;
      case 'rating.submitted':
        this.inc(`rated:${ev.touchpoint}`);
        if (ev.score >= 4) this.inc(`happy:${ev.touchpoint}`);
        break;
      default:
        break;
    }
  }

  truth(t: TruthEntry): void {
    this.truths.set(t.rule, (this.truths.get(t.rule) ?? 0) + 1);
    const d = t.detail ?? {};
    if (t.rule === 'T1' && !t.derived) this.inc(Number(d.lateMin) < 40 ? 'T1:small' : 'T1:big');
    if (t.rule === 'T3' && d.cause === 'congestion') this.inc('T3:jam');
    if (t.rule === 'T4') this.inc(`T4:${String(d.kind)}`);
    if (t.rule === 'P3') this.inc(`P3:${t.severity}`);
    if (t.rule === 'D4') this.inc(`D4:${String(d.reason)}`);
    // The calibrated rate is of bad days (planned bursts); an ordinary day reaching five complaints is not one.
    if (t.rule === 'X3' && d.cause === 'spike') this.inc('X3:spike');
    if (t.rule === 'S1' || t.rule === 'S2') this.inc('sortingViolations');
  }

  /** Simulated days covered so far (by fact times seen). */
  days(): number {
    return this.lastAt > this.firstAt ? (this.lastAt - this.firstAt) / DAY_MS : 0;
  }

  report(): MeasuredRate[] {
    const t = (r: RuleId) => this.truths.get(r) ?? 0;
    const n = (k: string) => this.count(k);
    const days = M.max(this.days(), 1e-9);
    const couriers = this.index.stations.reduce((s, st) => s + st.couriers.length, 0);
    const cameras = this.index.floors.reduce((s, f) => s + f.cameras.length, 0);
    const signed = n('signed');
    const drops = n('signed:locker') + n('signed:station');
    const complaints = n('complaints');
    const e2eMean = this.e2e.length ? this.e2e.reduce((a, b) => a + b, 0) / this.e2e.length : NaN;
    const within = this.e2e.length ? this.e2e.filter((h) => h <= 72).length / this.e2e.length : NaN;
    const m: Partial<Record<RateKey, [number, number]>> = {
      lateDepartureSmall: [n('T1:small'), n('trips')],
      lateDepartureBig: [n('T1:big'), n('trips')],
      trafficJam: [n('T3:jam'), n('trips')],
      breakdown: [n('T4:breakdown'), n('trips')],
      tyreBlowout: [n('T4:tyre_blowout'), n('trips')],
      signalLoss: [t('T2'), n('trips')],
      coldExcursion: [t('T5'), n('coldTrips')],
      coldShare: [this.coldVehicles.size, this.vehiclesSeen.size],
      sortingViolationsPer10k: [n('sortingViolations') * 10_000, n('parcelsSorted')],
      kickShare: [t('S2'), n('sortingViolations')],
      subThresholdDropsPer10k: [n('subThreshold') * 10_000, n('parcelsSorted')],
      exceptionsPer10k: [n('exceptions') * 10_000, n('parcelsSorted')],
      exceptionUnregistered: [t('S3'), n('exceptions')],
      cameraOffline: [t('S4'), cameras * days],
      pickupsPerCourier: [n('pickups'), couriers * days],
      noInspectionPhoto: [t('P1'), n('pickups')],
      prohibitedItem: [t('P2'), n('pickups')],
      waybillFieldsMissingFew: [n('P3:warning'), n('pickups')],
      waybillFieldsMissingMany: [n('P3:violation'), n('pickups')],
      insuranceNotOffered: [t('P4'), n('pickups')],
      realNameNotVerified: [t('P5'), n('pickups')],
      deliveriesPerCourier: [signed, couriers * days],
      lockerShare: [n('signed:locker'), signed],
      stationShare: [n('signed:station'), signed],
      callAnswered: [n('callsAnswered'), n('calls')],
      noCall: [t('D1'), signed],
      dropWithoutConsent: [t('D2'), drops],
      noSignOffPhoto: [t('D3'), signed],
      unauthorisedProxy: [n('D4:unauthorised_proxy'), signed],
      signedFarAway: [n('D4:far'), n('signed:in_person')],
      outTooLong: [t('D5'), n('outs')],
      lateUpload: [n('courierLate'), n('courierEvents')],
      complaintsPer10k: [complaints * 10_000, signed],
      lostDelayDamageShare: [n('complaint:lost') + n('complaint:delay') + n('complaint:damaged'), complaints],
      firstResponseLate: [t('A1'), complaints],
      resolutionLate: [t('A2'), complaints],
      csatDelivery: [n('happy:delivery'), n('rated:delivery')],
      csatAftersales: [n('happy:aftersales'), n('rated:aftersales')],
      deliveryRated: [n('rated:delivery'), signed],
      complaintSpike: [n('X3:spike'), this.index.stations.length * days],
    };
    const out: MeasuredRate[] = [];
    for (const [key, [num, den]] of Object.entries(m) as [RateKey, [number, number]][]) {
      if (!(den > 0)) continue;
      const rate = RATES[key];
      const measured = num / den;
      const per10k = rate.unit === 'per 10,000';
      const count = per10k ? num / 10_000 : num;
      const p = per10k ? rate.value / 10_000 : rate.value;
      const expected = p * den;
      // Binomial for shares, Poisson for rates per 10,000; counts per courier or camera are not proportions.
      const sd = rate.unit === 'share' || rate.unit.startsWith('share') ? M.sqrt(expected * M.max(0, 1 - p)) : M.sqrt(expected);
      out.push({
        key,
        measured,
        expected: rate.value,
        band: [...rate.band],
        basis: M.round(den),
        count: M.round(count),
        inBand: measured >= rate.band[0] && measured <= rate.band[1],
        consistent: M.abs(count - expected) <= 3.3 * sd + 1,
      });
    }
    if (this.e2e.length > 0) {
      const e2eIn = e2eMean >= RATES.endToEndHours.band[0] && e2eMean <= RATES.endToEndHours.band[1];
      const w72In = within >= RATES.within72h.band[0] && within <= RATES.within72h.band[1];
      out.push({ key: 'endToEndHours', measured: e2eMean, expected: RATES.endToEndHours.value, band: [...RATES.endToEndHours.band], basis: this.e2e.length, count: this.e2e.length, inBand: e2eIn, consistent: e2eIn });
      out.push({ key: 'within72h', measured: within, expected: RATES.within72h.value, band: [...RATES.within72h.band], basis: this.e2e.length, count: M.round(within * this.e2e.length), inBand: w72In, consistent: w72In });
    }
    return out;
  }
}
