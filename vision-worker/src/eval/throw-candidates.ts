import type { Span } from './scoring';

/** One row of `motions.main.js`: a settled parcel motion, its features, and whether it holds a labelled throw's fall. */
export interface MotionRow {
  clip: string;
  trackId: string;
  startFrame: number;
  endFrame: number;
  /** 1: holds 3+ frames of a throw's fall; -1: only touches one; 0: none. */
  label: number;
  geometric: boolean;
  x: number[];
}

export interface ThrowCandidate {
  label: Span;
  /** The motion holding the fall that the model scores highest, or undefined when no motion holds it. */
  best?: { row: MotionRow; p: number };
  /** The geometry took one of the motions holding the fall for a throw. */
  geometric: boolean;
}

/**
 * Where each labelled throw of a clip is lost: with no motion that holds its fall, no classifier can find it behind
 * these tracks; with one whose best probability is under the threshold, the classifier is what misses it.
 */
export function throwCandidates(labels: readonly Span[], rows: readonly MotionRow[], probability: (x: readonly number[]) => number): ThrowCandidate[] {
  return labels
    .filter((l) => l.kind === 'throw')
    .map((label) => {
      const held = rows.filter((r) => r.label === 1 && r.startFrame <= label.endFrame && label.startFrame <= r.endFrame);
      const scored = held.map((row) => ({ row, p: probability(row.x) }));
      const best = scored.reduce<ThrowCandidate['best']>((b, s) => (!b || s.p > b.p ? s : b), undefined);
      return { label, best, geometric: held.some((r) => r.geometric) };
    });
}
