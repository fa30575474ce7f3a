import { addDays, dayStart, HOUR } from '../core/time';
import { RATES, type RateKey } from '../model/calibration';
import { testNetwork } from '../testing/test-network';
import { RateMeter, type MeasuredRate } from './rate-meter';
import { Simulation } from './simulation';

const DAY = '2024-06-04';
/** Rates a simulated day does not measure: the floor utilisation and carelessness spread are inputs, e2e has its own test. */
const NOT_MEASURED = ['floorUtilisation', 'courierCarelessnessSigma', 'endToEndHours', 'within72h'];
/** Complaint handling: a small network's day holds a handful of complaints, so these are measured over a week. */
const PER_COMPLAINT: RateKey[] = ['lostDelayDamageShare', 'firstResponseLate', 'resolutionLate', 'csatAftersales', 'complaintSpike'];

/**
 * A rate passes when it lands in its band; where the day holds too few cases for a band to mean anything
 * (fewer than 30 expected), when the count is what the stated rate predicts within 99.9 %.
 */
function verdict(r: MeasuredRate): boolean {
  const p = RATES[r.key].unit === 'per 10,000' ? r.expected / 10_000 : r.expected;
  return r.inBand || (p * r.basis < 30 && r.consistent);
}

describe('rates over a simulated day', () => {
  // A day of everything but the per-second streams (positions, heartbeats): trips still run, floors still
  // count parcels, couriers and customers do what they do.
  const net = testNetwork({ day: DAY, vehicles: 400 });
  const sim = new Simulation(net, { seed: 7, scale: 400 / 300, positions: false, heartbeats: false });
  const day = new RateMeter(sim.index);
  const week = new RateMeter(sim.index);
  const start = dayStart(DAY);
  for (let t = start; t < start + 24 * HOUR; t += HOUR) {
    sim.generate(t, t + HOUR, { emit: (e) => (day.emitted(e), week.emitted(e)), truth: (x) => (day.truth(x), week.truth(x)) });
  }
  for (let t = start + 24 * HOUR; t < dayStart(addDays(DAY, 7)); t += 6 * HOUR) {
    sim.aftersales.generate(t, t + 6 * HOUR, { emit: (e) => week.emitted(e), truth: (x) => week.truth(x) });
  }
  const report = day.report();
  const weekly = week.report();
  const find = (key: string) => (PER_COMPLAINT.includes(key as RateKey) ? weekly : report).find((x) => x.key === key);

  const keys = Object.keys(RATES).filter((k) => !NOT_MEASURED.includes(k));

  it.each(keys)('%s lands in its band', (key) => {
    const r = find(key);
    expect(r).toBeDefined();
    if (!verdict(r!)) throw new Error(`${key}: measured ${r!.measured} (${r!.count} of ${r!.basis}), band ${r!.band.join('–')}, stated ${r!.expected}`);
  });

  it('rests the complaint-handling rates on enough complaints', () => {
    expect(week.count('complaints')).toBeGreaterThanOrEqual(40);
  });

  it('delivers courier-picked parcels on the national end-to-end times (mean 54.2 h, 83.8 % within 72 h)', () => {
    const hours: number[] = [];
    for (const st of sim.index.stations) for (const d of sim.courier.plan(st, DAY).deliveries) if (d.linked) hours.push((d.sign - d.linked.pickupAt) / HOUR);
    expect(hours.length).toBeGreaterThan(1000);
    const mean = hours.reduce((a, b) => a + b, 0) / hours.length;
    const within = hours.filter((h) => h <= 72).length / hours.length;
    expect(mean).toBeGreaterThanOrEqual(RATES.endToEndHours.band[0]);
    expect(mean).toBeLessThanOrEqual(RATES.endToEndHours.band[1]);
    expect(within).toBeGreaterThanOrEqual(RATES.within72h.band[0]);
    expect(within).toBeLessThanOrEqual(RATES.within72h.band[1]);
  });

  it('follows the daily curves: sorting peaks at night and in the morning, pickups in the afternoon', () => {
    const sorted = new Array<number>(24).fill(0);
    const picked = new Array<number>(24).fill(0);
    const s2 = new Simulation(net, { seed: 7, scale: 1, heartbeats: false, domains: ['sorting'] });
    for (let t = start; t < start + 24 * HOUR; t += HOUR) {
      s2.generate(t, t + HOUR, { emit: (e) => e.event.type === 'sorting.scan' && (sorted[Math.floor((e.atMs - start) / HOUR)] += e.event.parcels), truth: () => undefined });
    }
    for (const st of sim.index.stations) for (const p of sim.courier.pickups(st, DAY)) picked[Math.floor((p.at - start) / HOUR)]++;
    expect(sorted[21]).toBeGreaterThan(1.8 * sorted[12]);
    expect(sorted[7]).toBeGreaterThan(1.5 * sorted[12]);
    expect(picked[16]).toBeGreaterThan(3 * picked[8]);
    expect(picked[3]).toBe(0);
  });

  it('raises volume on 双十一', () => {
    const ordinary = sim.courier.pickups(sim.index.stations[0], '2024-11-20').length;
    const double11 = sim.courier.pickups(sim.index.stations[0], '2024-11-11').length;
    expect(double11 / ordinary).toBeGreaterThan(1.3);
    expect(sim.sorting.dailyParcels(sim.index.floors[0], '2024-11-11') / sim.sorting.dailyParcels(sim.index.floors[0], '2024-11-20')).toBeCloseTo(1.5, 5);
  });
});
