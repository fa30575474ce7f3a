
/** Builtins bound once: Jest's vm context makes every global lookup slow in hot loops (jestjs/jest#5163). */
const M = Math;
/**
 * Every rate the simulator draws from, in one place, with the band a simulated day must land in and where the
 * number comes from. docs/simulator.md states the same table (`--print-rates` prints it); the rate tests
 * measure a generated day against `band`.
 *
 * Public figures (shared DOMAIN.md, State Post Bureau): satisfaction 82.9 (2023 Q3), after-sales the lowest
 * stage (74.5, 2022), end-to-end time 54.2 h with 83.8 % delivered within 72 h, lost/short + delay + damage
 * ≈ 75 % of complaints; 双十一 2023: Nov 1–11 daily volume 1.4 × an ordinary day. Where no public figure
 * exists (violation rates, outages), the value is an assumption chosen to make a wallboard show a few events a
 * minute at the demo scale, and is marked so.
 */
export interface Rate {
  value: number;
  /** Acceptable measured range over one simulated day at scale 1. */
  band: [number, number];
  unit: string;
  /** What the rate is a share of, or per what. */
  per: string;
  rule?: string;
  source: string;
}

const ASSUMED = 'assumption (no public figure)';

export const RATES = {
  // --- line-haul (per trip) -------------------------------------------------------------------------------
  lateDepartureSmall: { value: 0.03, band: [0.015, 0.05], unit: 'share', per: 'trip', rule: 'T1', source: `${ASSUMED}; 16–19 min late` },
  lateDepartureBig: { value: 0.02, band: [0.008, 0.035], unit: 'share', per: 'trip', rule: 'T1+T6', source: `${ASSUMED}; 50–120 min late` },
  trafficJam: { value: 0.03, band: [0.015, 0.05], unit: 'share', per: 'trip', rule: 'T3', source: `${ASSUMED}; 12–16 min below 5 km/h` },
  breakdown: { value: 0.006, band: [0, 0.02], unit: 'share', per: 'trip', rule: 'T4+T3+T6', source: `${ASSUMED}; stopped 55–120 min` },
  tyreBlowout: { value: 0.004, band: [0, 0.015], unit: 'share', per: 'trip', rule: 'T4+T3+T6', source: `${ASSUMED}; stopped 50–90 min` },
  signalLoss: { value: 0.04, band: [0.02, 0.065], unit: 'share', per: 'trip', rule: 'T2', source: `${ASSUMED}; 90–240 s silent, then back-filled` },
  coldExcursion: { value: 0.08, band: [0.02, 0.16], unit: 'share', per: 'cold-chain trip', rule: 'T5', source: `${ASSUMED}; 8–30 min outside the profile's range` },
  coldShare: { value: 0.12, band: [0.06, 0.2], unit: 'share', per: 'vehicle', source: 'reference network: 6 % chilled, 4 % frozen, 2 % pharma' },
  // --- sorting (per parcel, camera) ------------------------------------------------------------------------
  floorUtilisation: { value: 0.68, band: [0.5, 0.85], unit: 'share', per: 'floor daily capacity', source: ASSUMED },
  sortingViolationsPer10k: { value: 1.5, band: [1.0, 2.1], unit: 'per 10,000', per: 'parcel sorted', rule: 'S1/S2', source: `${ASSUMED}; 55 % throws, 15 % drops over 50 cm, 30 % kicks` },
  kickShare: { value: 0.3, band: [0.2, 0.4], unit: 'share', per: 'sorting violation', rule: 'S2', source: ASSUMED },
  subThresholdDropsPer10k: { value: 0.3, band: [0.1, 0.6], unit: 'per 10,000', per: 'parcel sorted', source: `${ASSUMED}; 20–42 cm: seen, not a violation` },
  exceptionsPer10k: { value: 1.0, band: [0.6, 1.5], unit: 'per 10,000', per: 'parcel sorted', source: ASSUMED },
  exceptionUnregistered: { value: 0.08, band: [0.03, 0.14], unit: 'share', per: 'exception parcel', rule: 'S3', source: `${ASSUMED}; registered after 45–120 min or never` },
  cameraOffline: { value: 0.015, band: [0.005, 0.03], unit: 'share', per: 'camera-day', rule: 'S4', source: `${ASSUMED}; 3–45 min without heartbeat` },
  // --- pickup (per pickup) ---------------------------------------------------------------------------------
  pickupsPerCourier: { value: 25, band: [20, 31], unit: 'parcels', per: 'courier-day', source: ASSUMED },
  noInspectionPhoto: { value: 0.002, band: [0.001, 0.0032], unit: 'share', per: 'pickup', rule: 'P1', source: `${ASSUMED}; a red line, rarely crossed, so that 3 days in a row (X1) singles out a station` },
  prohibitedItem: { value: 0.001, band: [0, 0.003], unit: 'share', per: 'pickup', rule: 'P2', source: ASSUMED },
  waybillFieldsMissingFew: { value: 0.04, band: [0.028, 0.052], unit: 'share', per: 'pickup', rule: 'P3 (warning, 1–2 missing)', source: ASSUMED },
  waybillFieldsMissingMany: { value: 0.01, band: [0.005, 0.016], unit: 'share', per: 'pickup', rule: 'P3 (≥ 3 missing)', source: ASSUMED },
  insuranceNotOffered: { value: 0.06, band: [0.045, 0.075], unit: 'share', per: 'pickup', rule: 'P4', source: ASSUMED },
  realNameNotVerified: { value: 0.012, band: [0.006, 0.019], unit: 'share', per: 'pickup', rule: 'P5', source: ASSUMED },
  // --- delivery (per delivery) -----------------------------------------------------------------------------
  deliveriesPerCourier: { value: 100, band: [80, 125], unit: 'parcels', per: 'courier-day', source: '75 e-commerce parcels + those picked up by couriers elsewhere; assumption' },
  lockerShare: { value: 0.25, band: [0.2, 0.3], unit: 'share', per: 'delivery', source: ASSUMED },
  stationShare: { value: 0.2, band: [0.15, 0.25], unit: 'share', per: 'delivery', source: ASSUMED },
  callAnswered: { value: 0.85, band: [0.8, 0.9], unit: 'share', per: 'call', source: ASSUMED },
  noCall: { value: 0.03, band: [0.02, 0.04], unit: 'share', per: 'delivery', rule: 'D1', source: ASSUMED },
  dropWithoutConsent: { value: 0.04, band: [0.028, 0.052], unit: 'share', per: 'locker or 驿站 drop', rule: 'D2', source: ASSUMED },
  noSignOffPhoto: { value: 0.02, band: [0.013, 0.027], unit: 'share', per: 'delivery', rule: 'D3', source: ASSUMED },
  unauthorisedProxy: { value: 0.012, band: [0.007, 0.017], unit: 'share', per: 'delivery', rule: 'D4', source: ASSUMED },
  signedFarAway: { value: 0.008, band: [0.004, 0.012], unit: 'share', per: 'in-person delivery', rule: 'D4', source: `${ASSUMED}; 0.8–5 km from the address` },
  outTooLong: { value: 0.003, band: [0.001, 0.006], unit: 'share', per: 'delivery', rule: 'D5', source: `${ASSUMED}; signed 25–30 h after going out` },
  endToEndHours: { value: 54.2, band: [50, 58.5], unit: 'hours (mean)', per: 'parcel picked up by a courier', source: 'DOMAIN.md: 54.2 h national end-to-end time' },
  within72h: { value: 0.838, band: [0.79, 0.89], unit: 'share', per: 'parcel picked up by a courier', source: 'DOMAIN.md: 72-hour on-time rate 83.8 %' },
  courierCarelessnessSigma: { value: 0.6, band: [0.6, 0.6], unit: 'σ of ln(factor)', per: 'courier', source: `${ASSUMED}; each courier's lapse rates are the rates above × a log-normal factor of mean 1, so a few couriers account for many lapses` },
  lateUpload: { value: 0.025, band: [0.015, 0.08], unit: 'share', per: 'courier event', source: `${ASSUMED}; 0.8 offline spells of 10–45 min per courier-day, uploaded in a burst` },
  // --- after-sales -----------------------------------------------------------------------------------------
  complaintsPer10k: { value: 3.0, band: [1.8, 4.8], unit: 'per 10,000', per: 'delivery', source: `${ASSUMED}; 万票投诉率: 0.8 with no visible cause, ≈ 1.3 from delivery lapses, the rest from late line-haul and 爆仓 days` },
  lostDelayDamageShare: { value: 0.75, band: [0.65, 0.85], unit: 'share', per: 'complaint', source: 'DOMAIN.md: lost/short, delay and damage ≈ 75 % of appeals' },
  firstResponseLate: { value: 0.06, band: [0.02, 0.11], unit: 'share', per: 'complaint', rule: 'A1', source: `${ASSUMED}; answered after 35–150 min` },
  resolutionLate: { value: 0.04, band: [0.01, 0.08], unit: 'share', per: 'complaint', rule: 'A2', source: `${ASSUMED}; resolved after 50–80 h or never` },
  csatDelivery: { value: 0.83, band: [0.79, 0.87], unit: 'share of 4–5 stars', per: 'delivery rating', source: 'DOMAIN.md: satisfaction 82.9 (2023 Q3)' },
  csatAftersales: { value: 0.745, band: [0.62, 0.86], unit: 'share of 4–5 stars', per: 'after-sales rating', source: 'DOMAIN.md: after-sales 74.5 (2022)' },
  deliveryRated: { value: 0.04, band: [0.03, 0.05], unit: 'share', per: 'delivery', source: ASSUMED },
  complaintSpike: { value: 0.004, band: [0, 0.015], unit: 'share', per: 'station-day', rule: 'X3', source: `${ASSUMED}; 6–12 extra complaints in 4 h (网点爆仓)` },
} as const satisfies Record<string, Rate>;

export type RateKey = keyof typeof RATES;

/** The 双十一 season (State Post Bureau 2023: Nov 1–11 at 1.4 × an ordinary day); backlog deliveries after. */
export function seasonalMultiplier(day: string): number {
  const md = day.slice(5);
  if (md >= '11-01' && md <= '11-10') return 1.4;
  if (md === '11-11') return 1.5;
  if (md >= '11-12' && md <= '11-14') return 1.3;
  return 1;
}

/**
 * Hourly shape of each activity (24 weights, hour 0 = 00:00–01:00 UTC+8), interpolated linearly inside the
 * hour. Sorting has the two waves of a transfer center: the night outbound sort after the evening line-haul
 * and the morning inbound sort for delivery. Pickups follow merchants' afternoon dispatch.
 */
export const CURVES = {
  sorting: [6, 5, 4, 3, 3, 5, 7, 8, 8, 7, 5, 4, 4, 4, 4, 4, 5, 6, 7, 8, 9, 9, 8, 7],
  pickup: [0, 0, 0, 0, 0, 0, 0, 1, 3, 5, 6, 6, 5, 6, 8, 9, 10, 9, 6, 3, 1, 0, 0, 0],
} as const;

export class Curve {
  private readonly cum: number[];
  readonly total: number;
  constructor(private readonly w: readonly number[]) {
    if (w.length !== 24) throw new Error('a daily curve has 24 hourly weights');
    this.cum = [0];
    for (let h = 0; h < 24; h++) this.cum.push(this.cum[h] + w[h]);
    this.total = this.cum[24];
  }
  /** Relative intensity at an hour of day (mean over the day = 1). */
  intensity(hour: number): number {
    const h = M.floor(hour) % 24;
    return (this.w[h] * 24) / this.total;
  }
  /** Inverse CDF: hour of day for u ∈ [0, 1). */
  hourAt(u: number): number {
    const target = u * this.total;
    let h = 0;
    while (h < 23 && this.cum[h + 1] <= target) h++;
    const inHour = this.w[h] > 0 ? (target - this.cum[h]) / this.w[h] : 0;
    return h + M.min(M.max(inHour, 0), 0.99999);
  }
}
