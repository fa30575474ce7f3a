/**
 * A demo left running across midnight: the trips of the day after are loaded while the simulator runs (as the
 * demo's `seed --follow` does), the simulator picks them up before the day begins, and after a restart it goes
 * on with them. The hub, its CLI and the simulator run as the built programs against a fresh database.
 *
 * The days are in the past (the simulator's `--start` and `--speed 60`): midnight comes after a minute, not at
 * midnight. What the hub must have is computed from the simulator's own plans on the hub's final network: every
 * departure of the new day up to the end of the second run, on the hub's own trip ids, each once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkSchema } from '@kanjian/shared';
import { addDays, dayStart, isoUtc8, MINUTE } from '../src/core/time';
import { Simulation } from '../src/engine/simulation';
import { TruthLog } from '../src/engine/truth-log';
import { loadState } from '../src/runner/state-store';
import { Hub, requireBuilt, serviceDay, SIM_MAIN, sleep, stopProcess, tail } from './harness';

const SEED = 42;
const SCALE = 0.2;
const SPEED = 60;

describe('simulator → hub across a service-day boundary', () => {
  let hub: Hub;
  let work: string;
  let sim: ChildProcess | undefined;

  beforeAll(() => {
    requireBuilt();
    work = mkdtempSync(join(tmpdir(), 'kj-sim-rollover-'));
    hub = new Hub();
  });

  afterAll(async () => {
    await stopProcess(sim);
    await hub?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  /** Runs the simulator to its end (`--duration`), returning its log; `onStarted` runs once it has fetched the network. */
  async function runSim(token: string, args: string[], onStarted?: () => Promise<void>): Promise<string> {
    const base = ['--hub', hub.url, '--seed', String(SEED), '--scale', String(SCALE), '--speed', String(SPEED), '--evidence', 'none', '--no-heartbeats'];
    const files = ['--state', join(work, 'state.json'), '--truth', join(work, 'truth.ndjson'), '--refresh-network', '2s', '--log-every', '5s'];
    sim = spawn('node', [SIM_MAIN, ...base, ...files, ...args], { env: { ...process.env, KJ_SIM_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = tail(sim, 2_000_000);
    const exited = new Promise<number | null>((res) => sim!.once('exit', (code) => res(code)));
    if (onStarted) {
      while (!log().includes('"simulator started"')) {
        if (sim.exitCode !== null) throw new Error(`simulator exited early: ${log().slice(-3000)}`);
        await sleep(100);
      }
      await onStarted();
    }
    const code = await exited;
    if (code !== 0) throw new Error(`simulator ended with ${code}: ${log().slice(-3000)}`);
    return log();
  }

  it('runs the trips of a day loaded while it runs, from midnight on, and after a restart', async () => {
    // Seeded three days back: the reference network with the trips of the day before to the day after.
    const day = serviceDay(-3);
    const lastDay = addDays(day, 1);
    const newDay = addDays(day, 2);
    const token = hub.prepare([['--seed', String(SEED), '--scale', String(SCALE), '--day', day, '--ahead', '1']]);
    await hub.start();
    const tripDays = () => hub.query<{ day: string; n: number }>(`SELECT to_char(scheduled_departure AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(*)::int AS n FROM trips GROUP BY 1 ORDER BY 1`);
    expect(tripDays().map((r) => r.day)).toEqual([addDays(day, -1), day, lastDay]);

    // First run: from two hours before midnight of the last loaded day to a quarter past; the next day's trips are
    // loaded once it has started — what the seeder does when that last day is today (`seed --ahead 2`).
    const midnight = dayStart(newDay);
    let rolledAt = 0;
    const first = await runSim(token, ['--start', isoUtc8(midnight - 120 * MINUTE), '--duration', '135m'], async () => {
      await hub.cliAsync('seed', '--seed', String(SEED), '--scale', String(SCALE), '--day', lastDay, '--ahead', '2');
      rolledAt = Date.now();
    });
    expect(tripDays().map((r) => r.day)).toEqual([addDays(day, -1), day, lastDay, newDay, addDays(day, 3)]);
    // Picked up before the new day began: two minutes of wall time at this speed for the simulator's start, the
    // seeding and one fetch (about 40 s on a busy machine here).
    const picked = first.split('\n').find((l) => l.includes('the hub has new trips'));
    if (!picked) throw new Error(`the simulator never picked up the new trips (loaded ${new Date(rolledAt).toISOString()}): ${first.slice(-3000)}`);
    const pickedAt = Date.parse((JSON.parse(picked) as { generatedTo: string }).generatedTo);
    expect(pickedAt).toBeLessThan(midnight);
    const checkpoint = loadState(join(work, 'state.json'))!.checkpoint;
    expect(checkpoint).toBeGreaterThan(midnight);

    // Second run: a restart, continuing from the checkpoint for another 75 minutes.
    const second = await runSim(token, ['--duration', '75m']);
    expect(second).toContain('continuing from the checkpoint of the last run');
    const end = checkpoint + 75 * MINUTE;

    // What the hub must have: the simulator's own plans for the new day's trips, on the hub's network.
    const token2 = await hub.login();
    const net = NetworkSchema.parse(await hub.get('/api/v1/network', token2));
    const plans = new Simulation(net, { seed: SEED, scale: SCALE, evidence: 'none' }).linehaul;
    const hubTrips = new Set(net.trips.map((t) => t.id));
    const want = plans
      .tripsOf(newDay)
      .map((t) => ({ id: t.id, depart: plans.plan(t, newDay).depart }))
      .filter((w) => w.depart < end)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(want.length).toBeGreaterThanOrEqual(5);
    expect(want.every((w) => hubTrips.has(w.id))).toBe(true);
    // Departures the hub stored for trips of the new day: on its own ids, each once, exactly the planned ones.
    const departed = hub.query<{ trip: string; n: number; at: string }>(
      `SELECT payload->>'tripId' AS trip, count(*)::int AS n, min(at) AS at FROM events WHERE type = 'vehicle.departed' AND at >= '${new Date(midnight).toISOString()}' GROUP BY 1`,
    );
    departed.sort((a, b) => (a.trip < b.trip ? -1 : 1));
    expect(departed.filter((d) => d.n !== 1)).toEqual([]);
    const ofNewDay = departed.filter((d) => d.trip.startsWith(`TRIP-${newDay}-`));
    expect(ofNewDay.map((d) => d.trip)).toEqual(want.map((w) => w.id));
    // …at the planned times (a projected timetable would reuse the ids at other times).
    expect(ofNewDay.map((d) => Date.parse(d.at))).toEqual(want.map((w) => w.depart));
    // Both runs contributed: departures before the restart and after it.
    expect(departed.some((d) => Date.parse(d.at) < checkpoint)).toBe(true);
    expect(departed.some((d) => Date.parse(d.at) >= checkpoint)).toBe(true);
    // Nothing of the new day ran on a projected timetable.
    expect(TruthLog.read(join(work, 'truth.ndjson')).filter((t) => t.tripId?.includes(newDay) && t.detail?.projectedTrip)).toEqual([]);
    process.stdout.write(
      `\nrollover: trips of ${newDay} picked up at ${isoUtc8(pickedAt)} (simulated), restart at ${isoUtc8(checkpoint)}; ` +
        `${want.length} departures of ${newDay} up to ${isoUtc8(end)}, all on the hub's trips, ${departed.filter((d) => Date.parse(d.at) >= checkpoint).length} after the restart\n`,
    );
  }, 400_000);
});
