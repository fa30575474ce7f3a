import { buildReferenceNetwork } from '../network/reference-network';
import { estimateArrival } from './eta';
import { measurePath } from './geo';

/** A deterministic generator, so the reported error is the same on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where a truck is after `ms` along a path, given its simulated distance-by-minute profile. */
function pointAt(path: [number, number][], cum: number[], m: number): [number, number] {
  let i = 1;
  while (i < cum.length - 1 && cum[i]! < m) i++;
  const f = (m - cum[i - 1]!) / Math.max(1e-9, cum[i]! - cum[i - 1]!);
  const a = path[i - 1]!;
  const b = path[i]!;
  return [a[0] + (b[0] - a[0]) * Math.min(1, Math.max(0, f)), a[1] + (b[1] - a[1]) * Math.min(1, Math.max(0, f))];
}

/**
 * Simulated trips over the reference network's routes: a planned pace of 65 km/h, an actual pace drawn per trip
 * (55–75 km/h) with minute-to-minute noise, and on 40 % of trips one jam or breakdown of 20–90 min somewhere on
 * the way. The estimate is taken at 25, 50 and 75 % of each trip and compared with the actual arrival.
 */
function simulate() {
  const net = buildReferenceNetwork({ seed: 7, scale: 0.2, day: '2025-06-01' });
  const rand = rng(42);
  const errs: Record<'25' | '50' | '75', { eta: number[]; schedule: number[] }> = { '25': { eta: [], schedule: [] }, '50': { eta: [], schedule: [] }, '75': { eta: [], schedule: [] } };
  const routes = net.routes.filter((r) => r.path.length >= 2 && r.distanceKm > 60).slice(0, 150);
  for (const r of routes) {
    const path = measurePath(r.path);
    const plannedMs = (path.totalM / 1000 / 65) * 3600_000;
    const pace = (55 + rand() * 20) / 3.6; // m/s
    const jam = rand() < 0.4 ? { at: rand() * path.totalM, minutes: 20 + rand() * 70 } : null;
    // Distance covered at the end of each simulated minute.
    const cover: number[] = [0];
    let jammed = 0;
    while (cover[cover.length - 1]! < path.totalM) {
      const d = cover[cover.length - 1]!;
      if (jam && d >= jam.at && jammed < jam.minutes) {
        jammed++;
        cover.push(d);
        continue;
      }
      cover.push(Math.min(path.totalM, d + pace * 60 * (0.85 + rand() * 0.3)));
    }
    const actualMs = (cover.length - 1) * 60_000;
    for (const q of ['25', '50', '75'] as const) {
      const minute = Math.round(((cover.length - 1) * Number(q)) / 100);
      const [lat, lon] = pointAt(r.path, path.cum, cover[minute]!);
      const est = estimateArrival({ path, lat, lon, atMs: minute * 60_000, departedMs: 0, scheduledDepartureMs: 0, scheduledArrivalMs: plannedMs });
      errs[q].eta.push((est.etaMs - actualMs) / 60_000);
      errs[q].schedule.push((plannedMs - actualMs) / 60_000);
    }
  }
  return { trips: routes.length, errs };
}

const mae = (xs: number[]) => xs.reduce((s, x) => s + Math.abs(x), 0) / xs.length;
const p90 = (xs: number[]) => [...xs].map(Math.abs).sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

describe('T6 arrival estimate against simulated trips', () => {
  const { trips, errs } = simulate();

  it('beats the timetable and narrows as the trip goes on', () => {
    const report = Object.fromEntries(
      Object.entries(errs).map(([q, e]) => [`${q}%`, { mae_min: +mae(e.eta).toFixed(1), p90_min: +p90(e.eta).toFixed(1), schedule_mae_min: +mae(e.schedule).toFixed(1) }]),
    );
    process.stdout.write(`T6 ETA error over ${trips} simulated trips: ${JSON.stringify(report)}\n`);
    expect(trips).toBeGreaterThan(50);
    for (const q of ['25', '50', '75'] as const) expect(mae(errs[q].eta)).toBeLessThan(mae(errs[q].schedule));
    expect(mae(errs['75'].eta)).toBeLessThan(mae(errs['25'].eta));
  });
});
