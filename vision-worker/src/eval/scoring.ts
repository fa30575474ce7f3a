import type { Judgement } from '../judge/judgement';

export type EvalKind = 'throw' | 'kick';

export interface Span {
  kind: EvalKind;
  startFrame: number;
  endFrame: number;
}

export interface KindScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ClipMatch {
  matched: { label: Span; detection: Span }[];
  falsePositives: Span[];
  misses: Span[];
}

/** S1 (throw and drop) is scored as `throw`, S2 as `kick`. */
export const spanOf = (j: Pick<Judgement, 'kind' | 'startFrame' | 'endFrame'>): Span => ({ kind: j.kind === 'kick' ? 'kick' : 'throw', startFrame: j.startFrame, endFrame: j.endFrame });

const overlaps = (a: Span, b: Span) => a.startFrame <= b.endFrame && b.startFrame <= a.endFrame;

/**
 * An event matches a label of its kind whose frame span it overlaps; each label and each event is used
 * once (a second report of the same throw is a false positive: the floor would see it twice).
 */
export function matchClip(labels: readonly Span[], detections: readonly Span[]): ClipMatch {
  const used = new Set<number>();
  const matched: ClipMatch['matched'] = [];
  const falsePositives: Span[] = [];
  const sorted = [...detections].sort((a, b) => a.startFrame - b.startFrame);
  for (const d of sorted) {
    let best = -1;
    let bestOverlap = -1;
    labels.forEach((l, i) => {
      if (used.has(i) || l.kind !== d.kind || !overlaps(l, d)) return;
      const ov = Math.min(l.endFrame, d.endFrame) - Math.max(l.startFrame, d.startFrame);
      if (ov > bestOverlap) {
        bestOverlap = ov;
        best = i;
      }
    });
    if (best >= 0) {
      used.add(best);
      matched.push({ label: labels[best], detection: d });
    } else falsePositives.push(d);
  }
  return { matched, falsePositives, misses: labels.filter((_, i) => !used.has(i)) };
}

export function score(kind: EvalKind, clips: readonly ClipMatch[]): KindScore {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const c of clips) {
    tp += c.matched.filter((m) => m.label.kind === kind).length;
    fp += c.falsePositives.filter((s) => s.kind === kind).length;
    fn += c.misses.filter((s) => s.kind === kind).length;
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const r = (v: number) => Math.round(v * 10000) / 10000;
  return { tp, fp, fn, precision: r(precision), recall: r(recall), f1: r(f1) };
}
