import type { CameraModel, Pt } from '../calibration/calibration';
import type { Box } from '../detect/yolo-decode';
import { centre, type Track, type TrackerOptions, type TrackPoint } from '../track/tracker';
import type { KickTuning } from './kick-judge';
import type { MotionClassifier } from './motion-classifier';
import type { ThrowTuning } from './throw-judge';

export type ZoneKind = 'conveyor' | 'floor' | 'drop';
export interface Zone {
  kind: ZoneKind;
  /** Image polygon in processing-frame pixels. */
  polygon: Pt[];
}

export interface JudgeSettings {
  /** Rule S1: release height above which a fall is a violation. */
  dropHeightCm: number;
  /** Rule S2: floor speed a parcel must reach within a few frames of a foot contact. */
  kickMinSpeedCmS: number;
  kickMinDisplacementCm: number;
  /** How far (horizontally) a person may stand from a parcel to be the one who released or kicked it. */
  personReachCm: number;
  footReachCm: number;
  /** Horizontal release speed that makes a fall a throw rather than a drop. */
  throwMinSpeedCmS: number;
}

export const DEFAULT_JUDGE: JudgeSettings = {
  dropHeightCm: 50,
  kickMinSpeedCmS: 150,
  kickMinDisplacementCm: 30,
  personReachCm: 110,
  footReachCm: 90,
  throwMinSpeedCmS: 150,
};

export interface JudgeContext {
  camera: CameraModel;
  settings: JudgeSettings;
  zones: readonly Zone[];
  /** Overrides of the judges' non-rule thresholds (defaults in each judge); evaluation tooling only. */
  tuning?: JudgeTuning;
  /** Evaluation tooling only: told why a parcel's motion, once it has settled, was not a violation. */
  trace?: (judge: 'throw' | 'kick', trackId: string, fromFrame: number, toFrame: number, reason: string) => void;
  /** The throw classifier over settled motions (without it, the geometry alone decides). */
  model?: MotionClassifier;
  /** Training tooling only: every settled parcel motion the throw judge looked at, with its features. */
  onMotion?: (m: MotionRecord) => void;
}

export interface MotionRecord {
  trackId: string;
  /** The span a throw found in this motion is reported with. */
  startFrame: number;
  endFrame: number;
  features: number[];
  /** The geometry alone judged it a throw. */
  geometric: boolean;
  /** The parcel's box centres over the motion: [frame, u, v] (which parcel it was, for labelling). */
  path: [number, number, number][];
}

export interface JudgeTuning {
  throw?: Partial<ThrowTuning>;
  kick?: Partial<KickTuning>;
  tracker?: Partial<TrackerOptions>;
}

export interface Judgement {
  kind: 'throw' | 'drop' | 'kick';
  confidence: number;
  /** The decisive frame: release or foot contact. */
  frame: number;
  t: number;
  startFrame: number;
  endFrame: number;
  parcelTrackId: string;
  personTrackId?: string;
  dropHeightCm?: number;
  speedCmS?: number;
  parcelBox: Box;
  personBox?: Box;
}

export const bottomCentre = (b: Box): Pt => [(b[0] + b[2]) / 2, b[3]];
export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function pointInPolygon(p: Pt, poly: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function inZone(zones: readonly Zone[], kind: ZoneKind, p: Pt): boolean {
  return zones.some((z) => z.kind === kind && pointInPolygon(p, z.polygon));
}

/** Image speed of each observation relative to the previous one, in pixels per frame. */
export function imageSpeeds(obs: readonly TrackPoint[]): number[] {
  return obs.map((o, i) => {
    if (i === 0) return 0;
    const [x0, y0] = centre(obs[i - 1].box);
    const [x1, y1] = centre(o.box);
    return Math.hypot(x1 - x0, y1 - y0) / Math.max(1, o.frame - obs[i - 1].frame);
  });
}

export { stillThreshold } from '../track/tracker';

/** The person observation nearest in time to `frame` (within `tol` frames), from live or recently ended tracks. */
export function personAt(p: Track, frame: number, tol: number): TrackPoint | undefined {
  let best: TrackPoint | undefined;
  for (let i = p.history.length - 1; i >= 0; i--) {
    const h = p.history[i];
    if (h.frame < frame - tol) break;
    if (h.frame > frame + tol) continue;
    if (!best || Math.abs(h.frame - frame) < Math.abs(best.frame - frame)) best = h;
  }
  return best;
}

export function expand(b: Box, f: number): Box {
  const w = (b[2] - b[0]) * f;
  const h = (b[3] - b[1]) * f;
  return [b[0] - w, b[1] - h, b[2] + w, b[3] + h];
}

/** Distance from a point to a box (0 inside). */
export const distanceToBox = (b: Box, [x, y]: Pt) => Math.hypot(Math.max(b[0] - x, 0, x - b[2]), Math.max(b[1] - y, 0, y - b[3]));

export const contains = (b: Box, p: Pt) => p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3];

/** A judge turning down a settled motion: tells the trace (evaluation tooling) why, and returns no judgement. */
export function rejected(ctx: JudgeContext, judge: 'throw' | 'kick', parcel: Track, obs: readonly TrackPoint[], reason: string): null {
  ctx.trace?.(judge, parcel.id, obs[0].frame, obs[obs.length - 1].frame, reason);
  return null;
}
