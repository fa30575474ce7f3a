import type { CameraModel } from '../calibration/calibration';
import type { Box } from '../detect/yolo-decode';
import { centre, diag, type Track, type TrackPoint } from '../track/tracker';
import { bottomCentre, distanceToBox, personAt } from './judgement';

/**
 * What the geometric throw judge made of a motion, as features: how far it got (`code`), the drop it measured
 * and how well its fall fitted. Codes are ordered by how far the motion got.
 */
export enum GeoCode {
  TooShort = 0,
  NoFall = 1,
  Nobody = 2,
  BelowHands = 3,
  ShortFall = 4,
  UnderThreshold = 5,
  Zone = 6,
  Throw = 7,
}

export interface GeoResult {
  code: GeoCode;
  /** The drop of the fitted fall (cm), when one was fitted. */
  dropCm?: number;
  /** The fit's error as a share of its tolerance. */
  rmsShare?: number;
  /** The fall was first seen in mid-air (judged from its apex). */
  apex?: boolean;
}

/** One settled motion of a parcel track, as the throw judge sees it. */
export interface Motion {
  obs: readonly TrackPoint[];
  /** The moving run: from the last still observation before the motion to the first one after it. */
  a: number;
  b: number;
  /** The track began in this motion (its first box is here), or ended in it (lost, left the view). */
  trackStart: boolean;
  ended: boolean;
}

export const MOTION_FEATURES = [
  'runSeconds',
  'coverage',
  'maxGapFrames',
  'peakSpeedDiag',
  'peakSpeedPerson',
  'riseShare',
  'endSpeedShare',
  'dvPerson',
  'maxDropPerson',
  'hasPerson',
  'personDistStart',
  'personDistPeak',
  'handLevel',
  'endBelowFeet',
  'personSpeed',
  'insidePersonShare',
  'maxDownSpeedPerson',
  'hFeetStart',
  'hFeetMax',
  'hFeetEnd',
  'hLandStart',
  'hLandMax',
  'hLandEnd',
  'fallAccel',
  'fallRmsCm',
  'fallPoints',
  'floorMoveCm',
  'diagRatio',
  'meanScore',
  'minScore',
  'trackStart',
  'ended',
  'geoCode',
  'geoDropCm',
  'geoRmsShare',
  'geoApex',
] as const;

/** Stands for a quantity that does not exist for this motion (no person near it, no fit): trees split it off. */
export const NONE = -999;

const clip = (x: number, lo: number, hi: number) => (Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : NONE);

/**
 * Height (cm) at which a point above the floor point (x, y) would appear at image row v. A parcel in the hands
 * is above the person's feet, one that has landed above where it rests: read through those points, the image
 * rows of a track become heights without the depth that a fit of a short, noisy track pins poorly.
 */
export function heightAbove(cam: CameraModel, x: number, y: number, v: number): number {
  const P = cam.P;
  // v · (P8 x + P9 y + P10 z + P11) = P4 x + P5 y + P6 z + P7, solved for z
  const den = v * P[10] - P[6];
  if (Math.abs(den) < 1e-9) return NaN;
  return (P[4] * x + P[5] * y + P[7] - v * (P[8] * x + P[9] * y + P[11])) / den;
}

/** Least-squares parabola h = c0 + c1 t + c2 t²: returns 2·c2 (the acceleration) and the rms residual. */
export function fitParabola(ts: readonly number[], hs: readonly number[]): { accel: number; rms: number } | null {
  const n = ts.length;
  if (n < 4) return null;
  const t0 = ts[0];
  const S = new Array<number>(5).fill(0);
  const T = new Array<number>(3).fill(0);
  for (let i = 0; i < n; i++) {
    const t = ts[i] - t0;
    let p = 1;
    for (let k = 0; k < 5; k++) {
      S[k] += p;
      if (k < 3) T[k] += p * hs[i];
      p *= t;
    }
  }
  // normal equations of the 3×3 system, by Cramer's rule
  const m = [S[0], S[1], S[2], S[1], S[2], S[3], S[2], S[3], S[4]];
  const det3 = (q: number[]) => q[0] * (q[4] * q[8] - q[5] * q[7]) - q[1] * (q[3] * q[8] - q[5] * q[6]) + q[2] * (q[3] * q[7] - q[4] * q[6]);
  const d = det3(m);
  if (Math.abs(d) < 1e-12) return null;
  const col = (j: number) => m.map((x, i) => (i % 3 === j ? T[Math.floor(i / 3)] : x));
  const c = [det3(col(0)) / d, det3(col(1)) / d, det3(col(2)) / d];
  let se = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i] - t0;
    se += (hs[i] - (c[0] + c[1] * t + c[2] * t * t)) ** 2;
  }
  return { accel: 2 * c[2], rms: Math.sqrt(se / n) };
}

/**
 * The features of a settled parcel motion that the throw classifier reads (`MOTION_FEATURES`, in order). They
 * are scaled so that they mean the same at any camera distance and frame rate: image lengths by the parcel's
 * box diagonal or the nearest person's box height, times in seconds, heights in centimetres through the
 * calibration (read above the person's feet and above where the parcel came to rest).
 */
export function motionFeatures(cam: CameraModel, m: Motion, persons: readonly Track[], geo: GeoResult): number[] {
  const { obs, a, b } = m;
  const run = obs.slice(a, b + 1);
  const cs = run.map((o) => centre(o.box));
  const diags = run.map((o) => diag(o.box));
  const meanDiag = diags.reduce((x, y) => x + y, 0) / run.length;
  const runSeconds = run[run.length - 1].t - run[0].t;
  const frames = run[run.length - 1].frame - run[0].frame + 1;
  let maxGap = 0;
  const speeds: number[] = [0];
  for (let i = 1; i < run.length; i++) {
    maxGap = Math.max(maxGap, run[i].frame - run[i - 1].frame);
    const dt = Math.max(1e-6, run[i].t - run[i - 1].t);
    speeds.push(Math.hypot(cs[i][0] - cs[i - 1][0], cs[i][1] - cs[i - 1][1]) / dt);
  }
  let peak = 0;
  for (let i = 1; i < speeds.length; i++) if (speeds[i] > speeds[peak]) peak = i;
  const peakSpeed = speeds[peak];
  const lastMoving = speeds.slice(Math.max(1, speeds.length - 3), speeds.length - 1);
  const endSpeed = lastMoving.length ? lastMoving.reduce((x, y) => x + y, 0) / lastMoving.length : 0;
  // the highest point of the run (smallest image row) and the largest downward image travel after any point
  let top = 0;
  let maxDrop = 0;
  let lowestAfter = -Infinity;
  for (let i = run.length - 1; i >= 0; i--) {
    lowestAfter = Math.max(lowestAfter, cs[i][1]);
    maxDrop = Math.max(maxDrop, lowestAfter - cs[i][1]);
    if (cs[i][1] < cs[top][1]) top = i;
  }
  // the person nearest the parcel at the start of the motion
  let who: { track: Track; box: Box; dist: number } | undefined;
  for (const p of persons) {
    const ph = personAt(p, run[0].frame, 4);
    if (!ph) continue;
    const dist = distanceToBox(ph.box, cs[0]) / Math.max(1, ph.box[3] - ph.box[1]);
    if (!who || dist < who.dist) who = { track: p, box: ph.box, dist };
  }
  const pH = who ? Math.max(1, who.box[3] - who.box[1]) : NaN;
  const atPeak = who ? personAt(who.track, run[peak].frame, 4) : undefined;
  const atEnd = who ? personAt(who.track, run[run.length - 1].frame, 4) : undefined;
  const feet = who ? cam.imageToPlane(bottomCentre(who.box)) : undefined;
  const rest = cam.imageToPlane(bottomCentre(run[run.length - 1].box));
  const start = cam.imageToPlane(bottomCentre(run[0].box));
  const hFeet = feet ? cs.map(([, v]) => heightAbove(cam, feet[0], feet[1], v)) : [];
  const hLand = cs.map(([, v]) => heightAbove(cam, rest[0], rest[1], v));
  // the fall: from the highest point to where the box first gets (within a tenth of its size) as low as it
  // goes afterwards, the landing; free fall accelerates at g over it
  const lowest = Math.max(...cs.slice(top).map(([, v]) => v));
  let fallEnd = run.length - 1;
  for (let i = top + 1; i < run.length; i++) {
    if (cs[i][1] >= lowest - 0.1 * meanDiag) {
      fallEnd = i;
      break;
    }
  }
  const fall = fitParabola(
    run.slice(top, fallEnd + 1).map((o) => o.t),
    hLand.slice(top, fallEnd + 1),
  );
  const personMove =
    who && atEnd ? Math.hypot(centre(atEnd.box)[0] - centre(who.box)[0], centre(atEnd.box)[1] - centre(who.box)[1]) / pH / Math.max(0.04, runSeconds) : NONE;
  // a carried parcel stays in the carrier's box; a thrown one leaves it
  let inside = 0;
  let maxDown = 0;
  for (let i = 0; i < run.length; i++) {
    const ph = who ? personAt(who.track, run[i].frame, 2) : undefined;
    if (ph && distanceToBox(ph.box, cs[i]) === 0) inside++;
    if (i > 0) maxDown = Math.max(maxDown, (cs[i][1] - cs[i - 1][1]) / Math.max(1e-6, run[i].t - run[i - 1].t));
  }
  const scores = run.map((o) => o.score);
  return [
    clip(runSeconds, 0, 10),
    clip((run.length) / frames, 0, 1),
    clip(maxGap, 0, 100),
    clip(peakSpeed / meanDiag, 0, 200),
    who ? clip(peakSpeed / pH, 0, 100) : NONE,
    clip(runSeconds > 0 ? (run[peak].t - run[0].t) / runSeconds : 0, 0, 1),
    clip(peakSpeed > 0 ? endSpeed / peakSpeed : 0, 0, 1),
    who ? clip((cs[cs.length - 1][1] - cs[0][1]) / pH, -5, 5) : NONE,
    who ? clip(maxDrop / pH, 0, 5) : NONE,
    who ? 1 : 0,
    who ? clip(who.dist, 0, 10) : NONE,
    who && atPeak ? clip(distanceToBox(atPeak.box, cs[peak]) / pH, 0, 10) : NONE,
    who ? clip((cs[0][1] - who.box[1]) / pH, -3, 3) : NONE,
    who ? clip(((atEnd ?? who).box[3] - run[run.length - 1].box[3]) / pH, -3, 3) : NONE,
    clip(personMove, -1000, 100),
    who ? inside / run.length : NONE,
    who ? clip(maxDown / pH, 0, 100) : NONE,
    who ? clip(hFeet[0], -300, 600) : NONE,
    who ? clip(Math.max(...hFeet.filter(Number.isFinite)), -300, 600) : NONE,
    who ? clip(hFeet[hFeet.length - 1], -300, 600) : NONE,
    clip(hLand[0], -300, 600),
    clip(Math.max(...hLand.filter(Number.isFinite)), -300, 600),
    clip(hLand[hLand.length - 1], -300, 600),
    fall ? clip(fall.accel, -20000, 20000) : NONE,
    fall ? clip(fall.rms, 0, 500) : NONE,
    fallEnd - top + 1,
    clip(Math.hypot(rest[0] - start[0], rest[1] - start[1]), 0, 2000),
    clip(diags[diags.length - 1] / Math.max(1, diags[0]), 0, 10),
    scores.reduce((x, y) => x + y, 0) / scores.length,
    Math.min(...scores),
    m.trackStart ? 1 : 0,
    m.ended ? 1 : 0,
    geo.code,
    geo.dropCm === undefined ? NONE : clip(geo.dropCm, -100, 400),
    geo.rmsShare === undefined ? NONE : clip(geo.rmsShare, 0, 10),
    geo.apex ? 1 : 0,
  ];
}
