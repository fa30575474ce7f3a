import { parseIngestEvent } from '@kanjian/shared';
import { dayStart, HOUR, MINUTE, SECOND } from '../core/time';
import { haversineKm } from '../model/network-index';
import { testNetwork } from '../testing/test-network';
import { Simulation } from './simulation';
import { CollectingSink } from './sinks';
import type { Emitted } from './types';

const DAY = '2024-06-03';
const net = testNetwork({ day: DAY });
const T0 = dayStart(DAY) + 8 * HOUR + 30 * MINUTE;

function run(seed: number, from: number, to: number, step: number, opts: Partial<ConstructorParameters<typeof Simulation>[1]> = {}, sim = new Simulation(net, { seed, scale: 1, ...opts })): CollectingSink {
  const sink = new CollectingSink();
  for (let t = from; t < to; t += step) sim.generate(t, Math.min(to, t + step), sink);
  return sink;
}

const key = (e: Emitted) => `${e.event.id}|${e.deliverAt}|${JSON.stringify(e.event)}`;

describe('Simulation', () => {
  const a = run(42, T0, T0 + 6 * MINUTE, 60 * SECOND);

  it('produces every kind of feed in a busy morning', () => {
    const types = new Set(a.events.map((e) => e.event.type));
    for (const t of ['vehicle.position', 'camera.heartbeat', 'sorting.scan', 'pickup.completed', 'delivery.out', 'delivery.call', 'delivery.consent', 'delivery.signed', 'waybill.tracking']) {
      expect(types).toContain(t);
    }
  });

  // A second, independent instance: nothing carried over from the first.
  const fresh = new Simulation(net, { seed: 42, scale: 1 });

  it('makes the same events for the same seed and other events for another seed', () => {
    const again = run(42, T0, T0 + 6 * MINUTE, 60 * SECOND, {}, fresh);
    expect(again.events.map(key)).toEqual(a.events.map(key));
    expect(again.truths).toEqual(a.truths);
    const other = run(43, T0, T0 + MINUTE, 60 * SECOND, { domains: ['linehaul', 'sorting'] });
    const mine = new Set(a.events.map((e) => e.event.id));
    expect(other.events.length).toBeGreaterThan(0);
    expect(other.events.filter((e) => mine.has(e.event.id))).toEqual([]);
  });

  it('gives the same events however time is cut into windows (what makes a restart clean)', () => {
    const bySecond = run(42, T0, T0 + 6 * MINUTE, SECOND, {}, fresh);
    const odd = run(42, T0, T0 + 6 * MINUTE, 37 * SECOND + 250, {}, fresh);
    const sorted = (s: CollectingSink) => s.events.map(key).sort();
    expect(sorted(bySecond)).toEqual(sorted(a));
    expect(sorted(odd)).toEqual(sorted(a));
    expect(bySecond.truths.map((t) => t.id).sort()).toEqual(a.truths.map((t) => t.id).sort());
  });

  it('emits only events the hub schema accepts, with unique ids and times inside the window', () => {
    const ids = new Set<string>();
    const checked = new Map<string, number>();
    for (const e of a.events) {
      // Validating is slow: the first 150 of each type (the generators fill every type from the same code).
      const n = checked.get(e.event.type) ?? 0;
      checked.set(e.event.type, n + 1);
      if (n < 150) {
        const r = parseIngestEvent(e.event);
        if (!r.ok) throw new Error(`${e.event.type} rejected: ${JSON.stringify(r.issues)}`);
      }
      expect(ids.has(e.event.id)).toBe(false);
      ids.add(e.event.id);
      expect(Date.parse(e.event.at)).toBe(e.atMs);
      expect(e.atMs).toBeGreaterThanOrEqual(T0);
      expect(e.atMs).toBeLessThan(T0 + 6 * MINUTE);
      expect(e.deliverAt).toBeGreaterThanOrEqual(e.atMs);
      expect(e.event.at).toMatch(/\+08:00$/);
    }
  });

  it('moves each truck once a second along its route at a truck speed', () => {
    const byTrip = new Map<string, Emitted[]>();
    for (const e of a.events) if (e.event.type === 'vehicle.position') byTrip.set(e.event.tripId!, [...(byTrip.get(e.event.tripId!) ?? []), e]);
    expect(byTrip.size).toBeGreaterThan(5);
    for (const list of byTrip.values()) {
      list.sort((x, y) => x.atMs - y.atMs);
      for (let i = 1; i < list.length; i++) {
        const p = list[i - 1].event as { lat: number; lon: number; speedKmh: number };
        const q = list[i].event as { lat: number; lon: number; speedKmh: number };
        expect(list[i].atMs - list[i - 1].atMs).toBe(SECOND);
        const kmh = haversineKm(p.lat, p.lon, q.lat, q.lon) * 3600;
        expect(kmh).toBeLessThan(100);
        expect(q.speedKmh).toBeLessThanOrEqual(100);
      }
    }
  });

  it('sends reefer temperatures with cold-chain positions only', () => {
    const positions = a.events.filter((e) => e.event.type === 'vehicle.position').map((e) => e.event as { vehicleId: string; tempC?: number });
    const cold = new Set(net.vehicles.filter((v) => v.coldProfile !== 'none').map((v) => v.id));
    expect(positions.some((p) => p.tempC !== undefined)).toBe(true);
    for (const p of positions) expect(p.tempC !== undefined).toBe(cold.has(p.vehicleId));
  });

  it('starts afresh with the history the hub needs, uploaded at the start', () => {
    const pre = new CollectingSink();
    fresh.prelude(T0, pre);
    expect(pre.events.length).toBeGreaterThan(100);
    for (const e of pre.events) {
      expect(e.atMs).toBeLessThan(T0);
      expect(e.deliverAt - T0).toBeGreaterThanOrEqual(0);
      expect(e.deliverAt - T0).toBeLessThan(SECOND);
    }
    const all = [...pre.events, ...a.events].map((e) => e.event);
    const key = (e: (typeof all)[number]) => `${e.type}|${'waybillNo' in e ? e.waybillNo : 'tripId' in e ? e.tripId : ''}`;
    const have = new Set(all.map(key));
    // Every sign-off after the start has its 'out' and, unless the courier skipped it (D1), its call.
    const d1 = new Set(a.truths.filter((t) => t.rule === 'D1').map((t) => t.waybillNo));
    for (const e of a.events.map((x) => x.event)) {
      if (e.type !== 'delivery.signed') continue;
      expect(have.has(`delivery.out|${e.waybillNo}`)).toBe(true);
      expect(have.has(`delivery.call|${e.waybillNo}`) || d1.has(e.waybillNo)).toBe(true);
    }
    // Every truck reporting positions has departed as far as the hub knows.
    for (const e of a.events.map((x) => x.event)) if (e.type === 'vehicle.position') expect(have.has(`vehicle.departed|${e.tripId}`)).toBe(true);
  });

  it('drives only ⌈300 × scale⌉ vehicles', () => {
    const small = run(42, T0, T0 + 2 * MINUTE, 60 * SECOND, { scale: 10 / 300, domains: ['linehaul'] });
    const vehicles = new Set(small.events.filter((e) => e.event.type === 'vehicle.position').map((e) => (e.event as { vehicleId: string }).vehicleId));
    expect(vehicles.size).toBeGreaterThan(0);
    for (const v of vehicles) expect(Number(v.slice(4))).toBeLessThanOrEqual(10);
  });
});
