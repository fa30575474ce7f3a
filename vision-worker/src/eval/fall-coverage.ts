import type { Detection } from '../detect/yolo-decode';
import { centre, diag, DEFAULT_TRACKER, Tracker, type Track, type TrackerOptions, type TrackPoint } from '../track/tracker';
import type { ReplayClip } from './replay';
import type { Span } from './scoring';

/** Frames the labels add around a throw: its span is release − 3 … landing + 3 (synth.py). */
const LABEL_MARGIN = 3;

/** The parcel tracks the worker's tracker makes of a replayed clip (class 0 is the parcel in every cache). */
export function parcelTracks(c: Pick<ReplayClip, 'frames' | 'fps'>, options: Partial<TrackerOptions> = {}): Track[] {
  const tracker = new Tracker('t', { ...DEFAULT_TRACKER, ...options });
  const all: Track[] = [];
  for (const [i, dets] of c.frames) all.push(...tracker.update(i, i / c.fps, dets));
  return [...all, ...tracker.flush()].filter((t) => t.classId === 0);
}

/**
 * The fall of a labelled throw as the reference tracks (from the renderer's boxes) show it: the observations,
 * between the release and the landing, of the track that goes furthest down the image there.
 */
export function referenceFall(label: Span, reference: readonly Track[]): TrackPoint[] | undefined {
  const a = label.startFrame + LABEL_MARGIN;
  const b = label.endFrame - LABEL_MARGIN;
  const drop = (h: TrackPoint[]) => centre(h[h.length - 1].box)[1] - centre(h[0].box)[1];
  return reference
    .map((t) => t.history.filter((p) => p.frame >= a && p.frame <= b))
    .filter((h) => h.length > 1 && drop(h) > 0)
    .sort((x, y) => drop(y) - drop(x))[0];
}

/** A box near the reference box: centres within half its diagonal (at least 10 px). */
const near = (b: Detection['box'] | undefined, ref: Detection['box']) => {
  if (!b) return false;
  const [x, y] = centre(b);
  const [gx, gy] = centre(ref);
  return Math.hypot(x - gx, y - gy) <= Math.max(10, 0.5 * diag(ref));
};

/**
 * Share of a fall that one track follows: the reference observations that a single track has a box near
 * (within half the reference box's diagonal, at least 10 px) on the same frame. The judges see a throw only
 * through one track from the hands to the floor; a fall split over several tracks, or never boxed, cannot be
 * judged whatever the judges' thresholds.
 */
export function followedShare(fall: readonly TrackPoint[], tracks: readonly Track[]): number {
  let best = 0;
  for (const t of tracks) {
    const byFrame = new Map(t.history.map((p) => [p.frame, p]));
    const n = fall.filter((g) => near(byFrame.get(g.frame)?.box, g.box)).length;
    best = Math.max(best, n / fall.length);
  }
  return best;
}

/**
 * Whether the detector boxed the fall at all, whatever the tracker made of it: the share of the fall's frames with
 * a parcel box (class 0) scoring at least `minScore` near the reference, and the longest run of frames without
 * one. A fall with no box on a stretch of frames cannot be followed by any association of the boxes.
 */
export function boxedFall(fall: readonly TrackPoint[], frames: ReadonlyMap<number, readonly Detection[]>, minScore: number): { share: number; longestGap: number } {
  let boxed = 0;
  let run = 0;
  let longestGap = 0;
  for (const g of fall) {
    const hit = (frames.get(g.frame) ?? []).some((d) => d.classId === 0 && d.score >= minScore && near(d.box, g.box));
    boxed += hit ? 1 : 0;
    run = hit ? 0 : run + 1;
    longestGap = Math.max(longestGap, run);
  }
  return { share: boxed / fall.length, longestGap };
}
