import { dayStart, HOUR, MINUTE, SECOND } from '../core/time';
import { testNetwork } from '../testing/test-network';
import { Simulation, type SimulationOptions } from './simulation';
import { CollectingSink } from './sinks';
import { STORY } from './storyline';

const DAY = '2024-06-06';
const net = testNetwork({ day: DAY });
// A time when a cold-chain truck of this small network is well under way (the reference network has dozens at any hour).
const A = dayStart(DAY) + 10 * HOUR;
const OPTS: SimulationOptions = { seed: 11, scale: 0.2, heartbeats: true };

function run(opts: SimulationOptions, chunk = 15 * MINUTE): CollectingSink {
  const sim = new Simulation(net, opts);
  const s = new CollectingSink();
  sim.prelude(A, s);
  for (let t = A; t < A + 15 * MINUTE; t += chunk) sim.generate(t, t + chunk, s);
  return s;
}

describe('the storyline', () => {
  const story = run({ ...OPTS, storyline: { at: A } });
  const plain = run(OPTS);
  const byRule = (s: CollectingSink, rule: string) => s.truths.filter((t) => t.rule === rule);

  it('makes each rare lapse happen once in the first minutes, known to the hub within a minute and a half', () => {
    for (const rule of ['T2', 'T3', 'T5', 'S4', 'P1', 'X3']) {
      const extra = byRule(story, rule).filter((t) => !byRule(plain, rule).some((p) => p.id === t.id));
      expect({ rule, n: extra.length }).toEqual({ rule, n: 1 });
      const known = Date.parse(extra[0].knownAt ?? extra[0].dueAt);
      expect({ rule, knownBy: known <= A + 90 * SECOND }).toEqual({ rule, knownBy: true });
    }
  });

  it('back-fills what the truck recorded out of reach all at once, then goes on live', () => {
    const t3 = byRule(story, 'T3').find((t) => !byRule(plain, 'T3').some((p) => p.id === t.id))!;
    const track = story.events.filter((e) => e.event.type === 'vehicle.position' && e.event.vehicleId === t3.vehicleId);
    const backfill = track.filter((e) => e.atMs < A + STORY.backInReach);
    expect(backfill.length).toBeGreaterThan(14 * 60);
    expect(new Set(backfill.map((e) => e.deliverAt))).toEqual(new Set([A + STORY.backInReach]));
    // Its live positions come after: the hub gets the track in order.
    const live = track.filter((e) => e.atMs >= A + STORY.backInReach);
    expect(live.length).toBeGreaterThan(60);
    expect(live.every((e) => e.deliverAt > A + STORY.backInReach && e.event.type === 'vehicle.position' && !e.event.backfill)).toBe(true);
    expect(backfill.every((e) => e.event.type === 'vehicle.position' && e.event.backfill === true)).toBe(true);
    // Standing still through the jam, then moving on.
    const jam = backfill.filter((e) => e.atMs >= A + STORY.jamFrom && e.atMs < A + STORY.jamFrom + STORY.jamMs);
    expect(jam.every((e) => e.event.type === 'vehicle.position' && e.event.speedKmh < 5)).toBe(true);
  });

  it('is the same however time is cut into windows', () => {
    const chunked = run({ ...OPTS, storyline: { at: A } }, 10 * SECOND);
    expect(new Set(chunked.events.map((e) => e.event.id))).toEqual(new Set(story.events.map((e) => e.event.id)));
    expect(new Set(chunked.truths.map((t) => t.id))).toEqual(new Set(story.truths.map((t) => t.id)));
  });
});
