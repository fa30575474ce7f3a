import type { Box, Detection } from '../detect/yolo-decode';

export interface TrackPoint {
  frame: number;
  t: number;
  box: Box;
  score: number;
}

export interface Track {
  id: string;
  classId: number;
  history: TrackPoint[];
  /** Centre velocity in pixels per frame (smoothed). */
  vx: number;
  vy: number;
  hits: number;
  /** Detection passes since the last match. */
  misses: number;
  confirmed: boolean;
  lastFrame: number;
}

export interface TrackerOptions {
  /** Detection passes a track survives unmatched (motion blur, occlusion). */
  maxMisses: number;
  /**
   * Detection passes a resting track survives unmatched. A parcel lying still that stops being detected is
   * almost always hidden (a person standing over it, about to kick or pick it up), not gone: keeping it lets the
   * motion that follows continue its track, so the kick is seen to start from rest.
   */
  restingMaxMisses: number;
  /** Matches needed before a track counts. */
  minHits: number;
  /** Gate: distance from the predicted centre, in units of (box diagonal + speed). */
  maxCost: number;
  historyLength: number;
  /**
   * Detections scoring below this only continue a track that already exists (a second association pass, with
   * the tighter gate `lowMaxCost`); they never start one. A parcel in flight is blurred and one in the hands is
   * half hidden: the detector still sees them, with less confidence, and those boxes are what keeps the track
   * of a throw whole from the hands to the floor.
   */
  startScore: number;
  lowMaxCost: number;
}

export const DEFAULT_TRACKER: TrackerOptions = { maxMisses: 8, restingMaxMisses: 150, minHits: 2, maxCost: 0.9, historyLength: 200, startScore: 0.3, lowMaxCost: 0.5 };

export const centre = (b: Box): [number, number] => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
export const diag = (b: Box) => Math.hypot(b[2] - b[0], b[3] - b[1]);
export const last = (t: Track) => t.history[t.history.length - 1];
/** The track's first box is still in its history (every match is kept until the history is full). */
export const startsInHistory = (t: Track) => t.history.length === t.hits;

/** A box counts as still when it moves less than a small fraction of its size per frame. */
export function stillThreshold(b: Box): number {
  return Math.max(1.2, 0.035 * Math.hypot(b[2] - b[0], b[3] - b[1]));
}

/** Confirmed, seen several times, and not moving: a parcel lying somewhere (or a person standing). */
export const isResting = (t: Track) => t.confirmed && t.hits >= 4 && Math.hypot(t.vx, t.vy) < stillThreshold(last(t).box);

/**
 * Multi-object tracking by prediction and greedy association, per class. A constant-velocity prediction
 * gated by box size and speed keeps fast parcels (thrown, kicked) on their track through a few missed
 * detections; it needs no appearance model, which keeps it cheap for many cameras.
 */
export class Tracker {
  private tracks: Track[] = [];
  private nextId = 1;

  constructor(
    private readonly prefix: string,
    private readonly o: TrackerOptions = DEFAULT_TRACKER,
  ) {}

  get active(): readonly Track[] {
    return this.tracks;
  }

  /** Feeds the detections of one frame; returns the tracks that ended on it. */
  update(frame: number, t: number, dets: readonly Detection[]): Track[] {
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    const strong = (d: Detection) => d.score >= this.o.startScore;
    // confident detections first, against every track; then the weak ones, only for the tracks left over
    this.associate(frame, t, dets, strong, this.o.maxCost, usedT, usedD);
    if (dets.some((d) => !strong(d))) this.associate(frame, t, dets, (d) => !strong(d), this.o.lowMaxCost, usedT, usedD);
    const ended: Track[] = [];
    this.tracks = this.tracks.filter((tr, ti) => {
      if (usedT.has(ti)) return true;
      tr.misses++;
      const limit = isResting(tr) ? this.o.restingMaxMisses : this.o.maxMisses;
      if (tr.misses > limit || (!tr.confirmed && tr.misses > 1)) {
        if (tr.confirmed) ended.push(tr);
        return false;
      }
      return true;
    });
    dets.forEach((d, di) => {
      if (usedD.has(di) || !strong(d)) return;
      this.tracks.push({
        id: `${this.prefix}${this.nextId++}`,
        classId: d.classId,
        history: [{ frame, t, box: d.box, score: d.score }],
        vx: 0,
        vy: 0,
        hits: 1,
        misses: 0,
        confirmed: this.o.minHits <= 1,
        lastFrame: frame,
      });
    });
    return ended;
  }

  /** Greedy association by normalised distance to each track's prediction, for the detections `take` selects. */
  private associate(frame: number, t: number, dets: readonly Detection[], take: (d: Detection) => boolean, maxCost: number, usedT: Set<number>, usedD: Set<number>) {
    const pairs: { cost: number; ti: number; di: number }[] = [];
    this.tracks.forEach((tr, ti) => {
      if (usedT.has(ti)) return;
      const lp = last(tr);
      const gap = frame - lp.frame;
      const [cx, cy] = centre(lp.box);
      // a resting track stays where it was seen (its residual velocity is box jitter, not motion)
      const resting = isResting(tr);
      const px = resting ? cx : cx + tr.vx * gap;
      const py = resting ? cy : cy + tr.vy * gap;
      const scale = diag(lp.box) + (resting ? 0 : Math.hypot(tr.vx, tr.vy) * gap) + 4;
      const area = (lp.box[2] - lp.box[0]) * (lp.box[3] - lp.box[1]);
      dets.forEach((d, di) => {
        if (d.classId !== tr.classId || usedD.has(di) || !take(d)) return;
        const [dx, dy] = centre(d.box);
        const ratio = ((d.box[2] - d.box[0]) * (d.box[3] - d.box[1])) / area;
        if (ratio < 0.25 || ratio > 4) return;
        const cost = Math.hypot(dx - px, dy - py) / scale;
        if (cost <= maxCost) pairs.push({ cost, ti, di });
      });
    });
    pairs.sort((a, b) => a.cost - b.cost);
    for (const p of pairs) {
      if (usedT.has(p.ti) || usedD.has(p.di)) continue;
      usedT.add(p.ti);
      usedD.add(p.di);
      const tr = this.tracks[p.ti];
      const d = dets[p.di];
      const lp = last(tr);
      const gap = Math.max(1, frame - lp.frame);
      const [ox, oy] = centre(lp.box);
      const [nx, ny] = centre(d.box);
      const a = tr.hits === 1 ? 1 : 0.6;
      tr.vx = a * ((nx - ox) / gap) + (1 - a) * tr.vx;
      tr.vy = a * ((ny - oy) / gap) + (1 - a) * tr.vy;
      tr.history.push({ frame, t, box: d.box, score: d.score });
      if (tr.history.length > this.o.historyLength) tr.history.shift();
      tr.hits++;
      tr.misses = 0;
      tr.lastFrame = frame;
      if (tr.hits >= this.o.minHits) tr.confirmed = true;
    }
  }

  /** Ends every track (end of stream). */
  flush(): Track[] {
    const ended = this.tracks.filter((t) => t.confirmed);
    this.tracks = [];
    return ended;
  }
}
