import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../core/clock';
import type { Network } from '@kanjian/shared';
import { addDays, dayStart, HOUR, isoUtc8, MINUTE, SECOND } from '../core/time';
import { Simulation, type SimulationOptions } from '../engine/simulation';
import { STORY } from '../engine/storyline';
import { CollectingSink } from '../engine/sinks';
import { TruthLog } from '../engine/truth-log';
import type { TruthEntry } from '../engine/types';
import { FakeHub } from '../testing/fake-hub';
import { testNetwork } from '../testing/test-network';
import { Sender } from '../transport/sender';
import { silentLogger } from './log';
import { Runner, type RunSummary } from './runner';

const DAY = '2024-06-06';
const net = testNetwork({ day: DAY });
const T0 = dayStart(DAY) + 9 * HOUR;
const OPTS: SimulationOptions = { seed: 5, scale: 12 / 300, heartbeats: false, domains: ['linehaul', 'courier', 'sorting'] };

/** Plans are pure functions of the network and seed: one warmed-up instance serves the runs (a fresh one below too). */
const shared = new Simulation(net, OPTS);

interface Setup {
  hub: FakeHub;
  runner: Runner;
  clock: ManualClock;
  truth: TruthLog;
}

/** A run on a manual clock (50 simulated seconds per loop turn of 1 s): nothing waits for real. */
function setup(o: { start: number; end?: number; backlogFrom?: number; fail?: (n: number) => 'error' | 'lost_reply' | 'unauthorised' | null; maxItems?: number; truthPath?: string; hub?: FakeHub; sim?: Simulation; batch?: number; refresh?: (now: number) => Network }): Setup {
  const clock = new ManualClock(o.start, 50);
  const hub = o.hub ?? new FakeHub(clock, { fail: o.fail, maxItems: o.maxItems });
  const truth = new TruthLog(o.truthPath ?? null);
  let runner: Runner | null = null;
  const sender = new Sender(hub, { sleep: (ms) => clock.sleep(ms / 50), isStopped: () => runner?.isStopped ?? false, log: silentLogger });
  runner = new Runner({ sim: o.sim ?? shared, clock, sender, truth, log: silentLogger, startAt: o.start, endAt: o.end, backlogFrom: o.backlogFrom, tickMs: 1000, batchSize: o.batch ?? 500, concurrency: 3,
    refresh: o.refresh ? { everyMs: 0, fetch: async () => o.refresh!(clock.now()) } : undefined });
  return { hub, runner, clock, truth };
}

/** Every fact of [from, to) with its upload time, generated offline. */
function expected(from: number, to: number): CollectingSink {
  const s = new CollectingSink();
  shared.generate(from, to, s);
  return s;
}

describe('Runner', () => {
  it('sends every fact once, each no earlier than its upload time, and late bursts late', async () => {
    const { hub, runner } = setup({ start: T0, end: T0 + 30 * MINUTE });
    const summary = await runner.run();
    expect(summary.stoppedBy).toBe('end');
    const want = expected(T0, T0 + 30 * MINUTE);
    expect(new Set(hub.stored.keys())).toEqual(new Set(want.events.map((e) => e.event.id)));
    expect(hub.duplicates).toBe(0);
    const late = want.events.filter((e) => e.deliverAt - e.atMs >= 5 * MINUTE);
    expect(late.length).toBeGreaterThan(10);
    expect(late.some((e) => e.event.type === 'vehicle.position' || e.domain === 'courier')).toBe(true);
    for (const e of want.events) {
      const got = hub.stored.get(e.event.id)!;
      expect(got.receivedAt).toBeGreaterThanOrEqual(e.deliverAt);
      // …and not much later: within a loop turn or two.
      expect(got.receivedAt - e.deliverAt).toBeLessThan(2 * 50 * SECOND + 1);
    }
    for (const e of late) expect(hub.stored.get(e.event.id)!.receivedAt - e.atMs).toBeGreaterThanOrEqual(5 * MINUTE);
  });

  it('retries through errors and lost replies without losing or doubling a fact', async () => {
    const { hub, runner } = setup({ start: T0, end: T0 + 10 * MINUTE, fail: (n) => (n % 5 === 0 ? 'error' : n % 7 === 0 ? 'lost_reply' : null) });
    const summary = await runner.run();
    const want = expected(T0, T0 + 10 * MINUTE);
    expect(new Set(hub.stored.keys())).toEqual(new Set(want.events.map((e) => e.event.id)));
    expect(summary.sent.retries).toBeGreaterThan(0);
    // Resent after a lost reply: the hub saw them again and stored them once.
    expect(hub.duplicates).toBeGreaterThan(0);
    expect(summary.sent.duplicates).toBe(hub.duplicates);
  });

  it('splits a batch the hub finds too large', async () => {
    const { hub, runner } = setup({ start: T0, end: T0 + 5 * MINUTE, maxItems: 64, batch: 1000 });
    await runner.run();
    expect(hub.stored.size).toBe(expected(T0, T0 + 5 * MINUTE).events.length);
  });

  it('stops with the hub’s reason on 401, keeping the unsent facts in its checkpoint', async () => {
    const { runner } = setup({ start: T0, end: T0 + 5 * MINUTE, fail: (n) => (n >= 3 ? 'unauthorised' : null) });
    const summary: RunSummary = await runner.run();
    expect(summary.stoppedBy).toBe('fatal');
    expect(summary.error).toMatch(/401.*token/);
    expect(summary.checkpoint).toBeLessThan(T0 + 5 * MINUTE);
  });

  it('continues cleanly after a stop: the two runs together deliver exactly what one run would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kj-sim-'));
    try {
      const truthPath = join(dir, 'truth.ndjson');
      const end = T0 + 40 * MINUTE;
      // First run, stopped at about 20 minutes in, with late bursts still waiting.
      const a = setup({ start: T0, end, truthPath });
      a.hub.onPost = () => {
        if (a.clock.now() >= T0 + 20 * MINUTE) a.runner.stop();
      };
      const first = await a.runner.run();
      expect(first.stoppedBy).toBe('signal');
      expect(first.checkpoint).toBeLessThan(T0 + 21 * MINUTE);
      // Second run from the checkpoint, same hub, a new process (nothing shared with the first run).
      const b = setup({ start: first.checkpoint, end, backlogFrom: first.checkpoint, truthPath, hub: a.hub, sim: new Simulation(net, OPTS) });
      await b.runner.run();
      const want = expected(T0, end);
      // The restart also sends late uploads of facts from before the first run's start (they were due after
      // the checkpoint): a continuous network would have them too. Compare the rest.
      const stored = [...a.hub.stored.entries()];
      expect(stored.filter(([, s]) => Date.parse(s.event.at) < T0).every(([, s]) => s.receivedAt >= first.checkpoint)).toBe(true);
      expect(new Set(stored.filter(([, s]) => Date.parse(s.event.at) >= T0).map(([id]) => id))).toEqual(new Set(want.events.map((e) => e.event.id)));
      // The ground truth holds each lapse once, whatever was regenerated.
      const logged = TruthLog.read(truthPath).map((t: TruthEntry) => t.id);
      expect(new Set(logged).size).toBe(logged.length);
      expect(new Set(TruthLog.read(truthPath).filter((t) => Date.parse(t.at) >= T0).map((t) => t.id))).toEqual(new Set(want.truths.map((t) => t.id)));
      expect(readFileSync(truthPath, 'utf8').endsWith('\n')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uploads evidence before the events that point at it', async () => {
    const sim = new Simulation(net, { ...OPTS, evidence: 'upload', domains: ['courier'] });
    const { hub, runner } = setup({ start: T0, end: T0 + 5 * MINUTE, sim });
    await runner.run();
    expect(hub.evidence.size).toBeGreaterThan(10);
    expect(hub.danglingRefs).toBe(0);
    const photo = [...hub.stored.values()].map((s) => s.event).find((e) => e.type === 'delivery.signed' && e.photo);
    expect(photo && photo.type === 'delivery.signed' && photo.photo!.uri).toMatch(/^\/api\/v1\/evidence\/[a-f0-9]{64}\.png$/);
  });

  describe('a network that gains the trips of a later day while it runs', () => {
    const next = addDays(DAY, 1);
    // The next day's trips as the hub would load them: another timetable than the projection of DAY's would be.
    const later = testNetwork({ day: next }).trips.map((t) => ({
      ...t,
      id: t.id.replace('TRIP-', 'TRIP-L-'),
      scheduledDeparture: isoUtc8(Date.parse(t.scheduledDeparture) + 37 * MINUTE),
      scheduledArrival: isoUtc8(Date.parse(t.scheduledArrival) + 37 * MINUTE),
    }));
    const full: Network = { ...net, trips: [...net.trips, ...later] };
    const start = dayStart(next) - 40 * MINUTE;
    const end = dayStart(next) + 8 * HOUR;
    const ids = (sim: Simulation) => {
      const s = new CollectingSink();
      sim.generate(start, end, s);
      return { events: new Set(s.events.map((e) => e.event.id)), truthRules: [...new Map(s.truths.map((t) => [t.id, t.rule])).values()] };
    };
    const departedTrips = (hub: FakeHub) => [...hub.stored.values()].flatMap(({ event: e }) => (e.type === 'vehicle.departed' ? [e.tripId] : []));

    it('runs them from that day on, exactly as a run that knew them from the start, nothing doubled', async () => {
      // The hub has the next day's trips from 20 minutes before midnight (loaded ahead by `seed --follow`).
      const { hub, runner, truth } = setup({ start, end, sim: new Simulation(net, OPTS), refresh: (now) => (now >= dayStart(next) - 20 * MINUTE ? full : net) });
      await runner.run();
      const want = ids(new Simulation(full, OPTS));
      expect(new Set(hub.stored.keys())).toEqual(want.events);
      const ruleCounts = (rules: string[]) => rules.reduce((m, r) => m.set(r, (m.get(r) ?? 0) + 1), new Map<string, number>());
      expect(new Map(truth.counts)).toEqual(ruleCounts(want.truthRules));
      expect(hub.duplicates).toBe(0);
      const departed = departedTrips(hub);
      expect(departed.filter((id) => id.startsWith('TRIP-L-')).length).toBeGreaterThanOrEqual(3);
      // Without the refresh the day would have run on DAY's timetable moved a day.
      const projected = ids(new Simulation(net, OPTS)).events;
      expect([...want.events].filter((id) => !projected.has(id)).length).toBeGreaterThan(100);
    });

    it('keeps a day already begun on the timetable it began with', async () => {
      // Loaded only 10 minutes after midnight: the trucks of the day are already out on the projected timetable.
      const { hub, runner } = setup({ start, end, sim: new Simulation(net, OPTS), refresh: (now) => (now >= dayStart(next) + 10 * MINUTE ? full : net) });
      await runner.run();
      expect(new Set(hub.stored.keys())).toEqual(ids(new Simulation(net, OPTS)).events);
      expect(departedTrips(hub).some((id) => id.startsWith('TRIP-L-'))).toBe(false);
      expect(hub.duplicates).toBe(0);
    });
  });

  it('uploads at the start what the prelude has for then, and a back-fill recorded before it only when it is due', async () => {
    // 09:30 with seed 5: a cold-chain truck of the small network is under way for the storyline's back-fill.
    const at = dayStart(DAY) + 9.5 * HOUR;
    const sim = new Simulation(net, { ...OPTS, scale: 0.2, storyline: { at } });
    const clock = new ManualClock(at, 5);
    const hub = new FakeHub(clock);
    let runner: Runner | null = null;
    const sender = new Sender(hub, { sleep: (ms) => clock.sleep(ms / 5), isStopped: () => runner?.isStopped ?? false, log: silentLogger });
    runner = new Runner({ sim, clock, sender, truth: new TruthLog(null), log: silentLogger, startAt: at, endAt: at + 2 * MINUTE, prelude: true, preludePauseMs: 0, tickMs: 1000, batchSize: 500, concurrency: 3 });
    await runner.run();
    const stored = [...hub.stored.values()];
    const backfill = stored.filter(({ event: e }) => e.type === 'vehicle.position' && e.backfill === true && Date.parse(e.at) < at);
    expect(backfill.length).toBeGreaterThan(13 * 60);
    expect(Math.min(...backfill.map((b) => b.receivedAt))).toBeGreaterThanOrEqual(at + STORY.backInReach);
    expect(stored.some(({ event: e, receivedAt }) => e.type === 'vehicle.departed' && Date.parse(e.at) < at && receivedAt < at + 10 * SECOND)).toBe(true);
  });
});
