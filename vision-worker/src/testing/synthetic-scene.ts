import { CameraModel, type Pt, type Vec3 } from '../calibration/calibration';
import type { Box } from '../detect/yolo-decode';
import type { Track } from '../track/tracker';

/**
 * A camera over a sorting floor and helpers that turn 3D motion into the image boxes a detector would
 * report, for unit tests of the judgements without video.
 */
export function syntheticCamera(f = 560, W = 640, H = 640, camPos: Vec3 = [150, -260, 380], target: Vec3 = [0, 80, 0]) {
  const z = unit(sub(target, camPos));
  const x = unit(cross(z, [0, 0, 1]));
  const y = cross(z, x);
  const project = (X: Vec3): [number, number] => {
    const d = sub(X, camPos);
    const c = [dot(x, d), dot(y, d), dot(z, d)];
    return [(f * c[0]) / c[2] + W / 2, (f * c[1]) / c[2] + H / 2];
  };
  const floorPointsCm: Pt[] = [
    [-100, 0],
    [100, 0],
    [100, 200],
    [-100, 200],
  ];
  const imagePoints = floorPointsCm.map((p) => project([p[0], p[1], 0]));
  const model = new CameraModel({ imagePoints, floorPointsCm, surfaceHeightCm: 0, width: W, height: H });
  return { project, model, W, H };
}

export type Projector = (X: Vec3) => [number, number];

/** Image box of an axis-aligned parcel of side `s` centred at X. */
export function parcelBox(project: Projector, X: Vec3, s = 30): Box {
  const pts: [number, number][] = [];
  for (const dx of [-1, 1]) for (const dy of [-1, 1]) for (const dz of [-1, 1]) pts.push(project([X[0] + (dx * s) / 2, X[1] + (dy * s) / 2, X[2] + (dz * s) / 2]));
  return [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
}

/** Image box of a standing person (a 45 × 30 × 170 cm block) at floor point (x, y). */
export function personBox(project: Projector, x: number, y: number, h = 170): Box {
  const pts: [number, number][] = [];
  for (const dx of [-22, 22]) for (const dy of [-15, 15]) for (const z of [0, h]) pts.push(project([x + dx, y + dy, z]));
  return [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
}

/** Parcel path at 25 fps: carried up to `release`, then free flight with velocity `v`, then resting where it lands. */
export function fallPath(project: Projector, release: Vec3, v: Vec3, size = 30, carryFrames = 8, restFrames = 6): { frame: number; box: Box }[] {
  const G = 981;
  const pts: { frame: number; box: Box }[] = [];
  let f = 0;
  for (; f < carryFrames; f++) pts.push({ frame: f, box: parcelBox(project, [release[0] - 3 * (carryFrames - f), release[1], release[2] - 2 * (carryFrames - f)], size) });
  let p: Vec3 = release;
  for (let k = 0; ; k++, f++) {
    const t = k / 25;
    p = [release[0] + v[0] * t, release[1] + v[1] * t, release[2] + v[2] * t - 0.5 * G * t * t];
    if (p[2] <= size / 2) break;
    pts.push({ frame: f, box: parcelBox(project, p, size) });
  }
  const rest: Vec3 = [p[0], p[1], size / 2];
  for (let k = 0; k < restFrames; k++, f++) pts.push({ frame: f, box: parcelBox(project, rest, size) });
  return pts;
}

export function track(id: string, classId: number, boxes: { frame: number; box: Box }[], fps = 25): Track {
  return {
    id,
    classId,
    history: boxes.map((b) => ({ frame: b.frame, t: b.frame / fps, box: b.box, score: 0.9 })),
    vx: 0,
    vy: 0,
    hits: boxes.length,
    misses: 0,
    confirmed: true,
    lastFrame: boxes[boxes.length - 1]?.frame ?? 0,
  };
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (a: Vec3): Vec3 => {
  const n = Math.hypot(...a);
  return [a[0] / n, a[1] / n, a[2] / n];
};
