import type { JudgeTuning } from '../judge/judgement';
import { DEFAULT_KICK_TUNING, type KickTuning } from '../judge/kick-judge';
import { DEFAULT_THROW_TUNING, type ThrowTuning } from '../judge/throw-judge';
import { DEFAULT_TRACKER, type TrackerOptions } from '../track/tracker';
import { score, type ClipMatch } from './scoring';

/** A flat point of the search: `throw.<key>` and `kick.<key>` values. */
export type Point = Record<string, number>;

export const DEFAULT_POINT: Point = {
  ...Object.fromEntries(Object.entries(DEFAULT_THROW_TUNING).map(([k, v]) => [`throw.${k}`, v])),
  ...Object.fromEntries(Object.entries(DEFAULT_KICK_TUNING).map(([k, v]) => [`kick.${k}`, v])),
  'tracker.startScore': DEFAULT_TRACKER.startScore,
  'tracker.lowMaxCost': DEFAULT_TRACKER.lowMaxCost,
  'tracker.maxMisses': DEFAULT_TRACKER.maxMisses,
};

/**
 * The values tried for each threshold (each includes its default): coarse steps on both sides, so that a
 * choice has to move whole events on a few dozen clips, not one borderline case.
 */
export const GRID: Record<string, number[]> = {
  'throw.landedTolPx': [2, 3, 4],
  'throw.landedTolFrac': [0.03, 0.04, 0.05],
  'throw.landedTolJitter': [1.5, 2.5, 4],
  'throw.landingSpeedShare': [0.3, 0.5, 0.7],
  'throw.landingSlack': [1.1, 1.3, 1.6],
  'throw.releaseSlack': [1.2, 1.5, 2],
  'throw.handLevelMax': [0.5, 0.6, 0.7],
  'throw.landingSearch': [10, 14, 18],
  'throw.maxDownwardRelease': [100, 150, 250],
  'throw.flightTolPx': [1, 1.5, 2.5],
  'throw.flightTolFrac': [0.025, 0.035, 0.05],
  'throw.anchorSigmaCm': [30, 50, 80],
  'throw.landingAccelShare': [0, 0.8, 1],
  'throw.ignoreEdgeBoxes': [0, 1],
  'throw.midAirStartMax': [0, 400, 600, 800],
  'kick.preStill': [6, 8, 10],
  'kick.restRadiusFrac': [0.08, 0.12, 0.2],
  'kick.footLevel': [0.4, 0.5, 0.6],
  'kick.minDirectionCos': [0.3, 0.5, 0.7],
  // -1: weak detections continue no track (the tracker before the second pass)
  'tracker.lowMaxCost': [-1, 0.5, 0.8],
  'tracker.startScore': [0.25, 0.3, 0.4],
  'tracker.maxMisses': [5, 8, 12],
};

/** `k=v,k=v` of threshold names and numbers (`throw.landedTolPx=4,tracker.lowMaxCost=-1`) over the defaults. */
export function parsePoint(spec: string, base: Point = DEFAULT_POINT): Point {
  const p = { ...base };
  for (const kv of spec.split(',').filter(Boolean)) {
    const [k, val] = kv.split('=');
    if (!(k in DEFAULT_POINT) || val === undefined || !Number.isFinite(Number(val))) {
      throw new Error(`${kv} is not <threshold>=<number> (thresholds: ${Object.keys(DEFAULT_POINT).join(', ')})`);
    }
    p[k] = Number(val);
  }
  return p;
}

export function toTuning(p: Point): JudgeTuning {
  const throwT: Partial<ThrowTuning> = {};
  const kickT: Partial<KickTuning> = {};
  const trackerT: Partial<TrackerOptions> = {};
  for (const [k, v] of Object.entries(p)) {
    const [judge, key] = k.split('.');
    if (judge === 'throw' && key in DEFAULT_THROW_TUNING) throwT[key as keyof ThrowTuning] = v;
    else if (judge === 'kick' && key in DEFAULT_KICK_TUNING) kickT[key as keyof KickTuning] = v;
    else if (judge === 'tracker' && key in DEFAULT_TRACKER) trackerT[key as keyof TrackerOptions] = v;
    else throw new Error(`unknown threshold ${k}`);
  }
  return { throw: throwT, kick: kickT, tracker: trackerT };
}

export const pointKey = (p: Point) =>
  Object.keys(p)
    .sort()
    .map((k) => `${k}=${p[k]}`)
    .join(',');

/** Matches of each source (a box source: renderer end/middle, a detector) on a set of clips. */
export type Evaluate = (p: Point, clips: readonly string[]) => Promise<ClipMatch[][]>;

/** The objective: throw and kick F1 averaged, then a weighted mean over the box sources (alike by default). */
export function objective(bySource: readonly ClipMatch[][], weights: readonly number[] = bySource.map(() => 1)): number {
  const per = bySource.map((m) => (score('throw', m).f1 + score('kick', m).f1) / 2);
  const total = weights.reduce((a, b) => a + b, 0);
  return per.reduce((a, v, i) => a + v * weights[i], 0) / Math.max(1e-9, total);
}

/**
 * Coordinate descent over the grid from `start`: each threshold in turn takes the value that scores best with
 * the others fixed; a change must beat the current value (ties keep it, so unneeded moves are not made).
 */
export async function coordinateDescent(
  evaluate: Evaluate,
  clips: readonly string[],
  start: Point,
  grid: Record<string, number[]>,
  passes = 2,
  weights?: readonly number[],
): Promise<{ point: Point; value: number }> {
  let point = { ...start };
  let value = objective(await evaluate(point, clips), weights);
  for (let pass = 0; pass < passes; pass++) {
    let moved = false;
    for (const [key, values] of Object.entries(grid)) {
      for (const v of values) {
        if (v === point[key]) continue;
        const cand = { ...point, [key]: v };
        const cv = objective(await evaluate(cand, clips), weights);
        if (cv > value + 1e-9) {
          point = cand;
          value = cv;
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  return { point, value };
}

/** Splits clip names into k folds, the same way every run (a fixed shuffle by a string hash). */
export function folds(names: readonly string[], k: number): string[][] {
  const hash = (s: string) => [...s].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 2166136261);
  const sorted = [...names].sort((a, b) => hash(a) - hash(b) || a.localeCompare(b));
  return Array.from({ length: k }, (_, i) => sorted.filter((_, j) => j % k === i));
}
