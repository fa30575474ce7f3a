import { iou, type Box, type Detection } from '../detect/yolo-decode';
import { centre, diag } from '../track/tracker';

/** A ground-truth box of one frame: [classId, x1, y1, x2, y2]. */
export type GtBox = [number, number, number, number, number];

/** Box speed (pixels per frame) above which a parcel counts as moving: thrown, dropped, kicked. */
export const MOVING_PX_PER_FRAME = 3;

export interface BoxErrorStats {
  /** Ground-truth boxes, and those matched by a detection of their class at IoU ≥ 0.5. */
  gt: number;
  found: number;
  /** Detections, and those that matched a ground-truth box at IoU ≥ 0.5. */
  detections: number;
  correct: number;
  /** Centre error (pixels) of each ground-truth box against the detection that matched it (IoU ≥ 0.1). */
  centreErrors: number[];
}

export const emptyStats = (): BoxErrorStats => ({ gt: 0, found: 0, detections: 0, correct: 0, centreErrors: [] });

/**
 * Speed of each ground-truth box from the previous frame's boxes of its class: the nearest centre within
 * the box's own diagonal (a box with no such neighbour, newly in view, gets speed 0).
 */
export function gtSpeeds(prev: readonly GtBox[] | undefined, cur: readonly GtBox[]): number[] {
  return cur.map(([c, ...b]) => {
    const [x, y] = centre(b as Box);
    let best = Infinity;
    for (const [pc, ...pb] of prev ?? []) {
      if (pc !== c) continue;
      const [px, py] = centre(pb as Box);
      best = Math.min(best, Math.hypot(x - px, y - py));
    }
    return best <= diag(b as Box) ? best : 0;
  });
}

/**
 * Adds one frame: greedy one-to-one matching by IoU per class. `bucket` chooses where a ground-truth box is
 * counted (e.g. moving or still parcels); detections are counted in the bucket of the box they match, or in
 * `unmatchedBucket` when they match none.
 */
export function addFrame(
  stats: Map<string, BoxErrorStats>,
  gt: readonly GtBox[],
  dets: readonly Detection[],
  bucket: (g: GtBox, i: number) => string | null,
  unmatchedBucket: (d: Detection) => string | null,
): void {
  const get = (k: string) => {
    let s = stats.get(k);
    if (!s) stats.set(k, (s = emptyStats()));
    return s;
  };
  const pairs: { v: number; gi: number; di: number }[] = [];
  gt.forEach((g, gi) => {
    dets.forEach((d, di) => {
      if (d.classId !== g[0]) return;
      const v = iou(g.slice(1) as Box, d.box);
      if (v >= 0.1) pairs.push({ v, gi, di });
    });
  });
  pairs.sort((a, b) => b.v - a.v);
  const gUsed = new Map<number, { di: number; v: number }>();
  const dUsed = new Set<number>();
  for (const p of pairs) {
    if (gUsed.has(p.gi) || dUsed.has(p.di)) continue;
    gUsed.set(p.gi, { di: p.di, v: p.v });
    dUsed.add(p.di);
  }
  gt.forEach((g, gi) => {
    const k = bucket(g, gi);
    if (k === null) return;
    const s = get(k);
    s.gt++;
    const m = gUsed.get(gi);
    if (!m) return;
    const [gx, gy] = centre(g.slice(1) as Box);
    const [dx, dy] = centre(dets[m.di].box);
    s.centreErrors.push(Math.hypot(gx - dx, gy - dy));
    s.detections++;
    if (m.v >= 0.5) {
      s.found++;
      s.correct++;
    }
  });
  dets.forEach((d, di) => {
    if (dUsed.has(di)) return;
    const k = unmatchedBucket(d);
    if (k !== null) get(k).detections++;
  });
}

export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function summarise(s: BoxErrorStats) {
  const e = [...s.centreErrors].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    gt: s.gt,
    recall_iou50: r(s.found / Math.max(1, s.gt)),
    precision_iou50: r(s.correct / Math.max(1, s.detections)),
    centre_error_px_p50: r(quantile(e, 0.5)),
    centre_error_px_p90: r(quantile(e, 0.9)),
    within_2px: r(e.filter((x) => x <= 2).length / Math.max(1, e.length)),
  };
}
