import { centre, startsInHistory, stillThreshold, type Track } from '../track/tracker';
import type { Span } from './scoring';

export interface TrackSummary {
  id: string;
  first: number;
  last: number;
  /** Frames of the track's first and last box within the span (with its margin). */
  from: number;
  to: number;
  boxes: number;
  /** How far the box centre went down the image over the span, in pixels (a fall goes down). */
  downPx: number;
  /**
   * The track's first box is already moving: the parcel was not boxed before (hidden in the hands, say). False
   * when the track is older than its kept history, whose first box is then not the track's first.
   */
  beginsMoving: boolean;
}

/**
 * The tracks that have boxes within `margin` frames of a span: what the judges had to work with for a missed
 * label or a false event. A throw split over several tracks, or a fall no track goes down through, shows here.
 */
export function tracksAround(span: Pick<Span, 'startFrame' | 'endFrame'>, tracks: readonly Track[], margin = 5): TrackSummary[] {
  const out: TrackSummary[] = [];
  for (const t of tracks) {
    const h = t.history.filter((p) => p.frame >= span.startFrame - margin && p.frame <= span.endFrame + margin);
    if (h.length < 2) continue;
    // h has two boxes, so the history does too
    const [a, b] = t.history;
    const [[ax, ay], [bx, by]] = [centre(a.box), centre(b.box)];
    const step = Math.hypot(bx - ax, by - ay) / Math.max(1, b.frame - a.frame);
    out.push({
      id: t.id,
      first: a.frame,
      last: t.history[t.history.length - 1].frame,
      from: h[0].frame,
      to: h[h.length - 1].frame,
      boxes: h.length,
      downPx: Math.round(centre(h[h.length - 1].box)[1] - centre(h[0].box)[1]),
      beginsMoving: startsInHistory(t) && step >= stillThreshold(a.box),
    });
  }
  return out.sort((x, y) => Math.abs(y.downPx) - Math.abs(x.downPx));
}

/** Why a judge turned down a settled parcel motion (`JudgeContext.trace`). */
export interface Rejection {
  trackId: string;
  from: number;
  to: number;
  reason: string;
}

/** A judge's rejections of motions that overlap a span (with `margin` frames): why its label was missed there. */
export function rejectionsAround(span: Pick<Span, 'startFrame' | 'endFrame'>, rejections: readonly Rejection[], margin = 5): Rejection[] {
  return rejections.filter((r) => r.from <= span.endFrame + margin && r.to >= span.startFrame - margin);
}
