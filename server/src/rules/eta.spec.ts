import { buildReferenceNetwork } from '../network/reference-network';
import { estimateArrival } from './eta';
import { measurePath } from './geo';

const net = buildReferenceNetwork({ seed: 7, scale: 0.2, day: '2025-06-01' });

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
 * Simulated trips over the reference network's routes, planned at 65 km/h: motorway stretches at 85 km/h and town
 * stretches at 30 km/h that average the plan, a driver's own pace within ±8 % of it, minute-to-minute noise, a
 * late start of 5–60 min on 30 % of trips and one 20–90 min jam or breakdown on 40 %. The estimate is taken at 25,
 * 50 and 75 % of each trip and compared with the actual arrival.
 */
function simulate() {
  const rand = rng(42);
  const errs: Record<'25' | '50' | '75', { eta: number[]; schedule: number[] }> = { '25': { eta: [], schedule: [] }, '50': { eta: [], schedule: [] }, '75': { eta: [], schedule: [] } };
  const routes = net.routes.filter((r) => r.path.length >= 2 && r.distanceKm > 60).slice(0, 150);
  // A town stretch in every 40 km, sized so that the pair averages 65 km/h: t = 40 km / 65 = a/85 + (40 - a)/30.
  const motorwayKm = ((40 / 65 - 40 / 30) / (1 / 85 - 1 / 30)) * 1000;
  for (const r of routes) {
    const path = measurePath(r.path);
    const plannedMs = (path.totalM / 1000 / 65) * 3600_000;
    const own = 0.92 + rand() * 0.16;
    const lateStartMin = rand() < 0.3 ? 5 + rand() * 55 : 0;
    const jam = rand() < 0.4 ? { at: rand() * path.totalM, minutes: 20 + rand() * 70 } : null;
    // Distance covered at the end of each simulated minute from the scheduled departure.
    const cover: number[] = Array.from({ length: Math.round(lateStartMin) + 1 }, () => 0);
    let jammed = 0;
    while (cover[cover.length - 1]! < path.totalM) {
      const d = cover[cover.length - 1]!;
      if (jam && d >= jam.at && jammed < jam.minutes) {
        jammed++;
        cover.push(d);
        continue;
      }
      const kmh = d % 40_000 < motorwayKm ? 85 : 30;
      cover.push(Math.min(path.totalM, d + (kmh / 3.6) * own * 60 * (0.85 + rand() * 0.3)));
    }
    const actualMs = (cover.length - 1) * 60_000;
    const departed = Math.round(lateStartMin);
    for (const q of ['25', '50', '75'] as const) {
      const minute = departed + Math.round(((cover.length - 1 - departed) * Number(q)) / 100);
      const [lat, lon] = pointAt(r.path, path.cum, cover[minute]!);
      const est = estimateArrival({ path, lat, lon, atMs: minute * 60_000, scheduledDepartureMs: 0, scheduledArrivalMs: plannedMs });
      errs[q].eta.push((est.etaMs - actualMs) / 60_000);
      errs[q].schedule.push((plannedMs - actualMs) / 60_000);
    }
  }
  return { trips: routes.length, errs };
}

const mae = (xs: number[]) => xs.reduce((s, x) => s + Math.abs(x), 0) / xs.length;
const p90 = (xs: number[]) => [...xs].map(Math.abs).sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

describe('T6 arrival estimate', () => {
  const route = net.routes.find((r) => r.path.length >= 2 && r.distanceKm > 100)!;
  const path = measurePath(route.path);
  const plannedMs = 6 * 3600_000;
  const at = (share: number, atMs: number) => {
    const [lat, lon] = pointAt(route.path, path.cum, path.totalM * share);
    return (estimateArrival({ path, lat, lon, atMs, scheduledDepartureMs: 0, scheduledArrivalMs: plannedMs }).etaMs - plannedMs) / 60_000;
  };

  it('is the lag behind the straight-line schedule: on time on schedule, a late start or a stop counts minute for minute', () => {
    expect(at(0.5, plannedMs / 2)).toBeCloseTo(0, 1);
    expect(at(0, 40 * 60_000)).toBeCloseTo(40, 1);
    // Standing 25 min at the half-way mark.
    expect(at(0.5, plannedMs / 2 + 25 * 60_000)).toBeCloseTo(25, 1);
    // Ahead of schedule.
    expect(at(0.75, plannedMs / 2)).toBeCloseTo(-90, 0);
  });
});

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
