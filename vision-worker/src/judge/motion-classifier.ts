import { existsSync } from 'node:fs';
import { z } from 'zod';
import { readJson } from '../config/read-json';
import { MOTION_FEATURES } from './motion-features';

/** One regression tree in sklearn's array form: node i splits on feature[i] at threshold[i]; leaves have left = -1. */
const TreeSchema = z.object({
  feature: z.array(z.number().int()),
  threshold: z.array(z.number()),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  value: z.array(z.number()),
});

/**
 * A gradient-boosted tree ensemble over a settled motion's features (`training/train_motion.py`): the log-odds
 * that the motion is a throw are `init + rate · Σ tree(x)`.
 */
export const MotionModelSchema = z.object({
  kind: z.literal('throw-motion-gbt'),
  features: z.array(z.string()),
  init: z.number(),
  rate: z.number().positive(),
  trees: z.array(TreeSchema).min(1),
  /** Probability from which a motion is a throw (chosen on the validation clips). */
  threshold: z.number().min(0).max(1),
  /** Examples with the trainer's own log-odds: the loader checks that this evaluator agrees. */
  checks: z.array(z.object({ x: z.array(z.number()), logOdds: z.number() })),
  training: z.record(z.string(), z.unknown()).optional(),
});
export type MotionModel = z.infer<typeof MotionModelSchema>;

export class MotionClassifier {
  readonly threshold: number;

  /** `threshold` overrides the file's (evaluation tooling). */
  constructor(
    readonly model: MotionModel,
    threshold = model.threshold,
  ) {
    const want = MOTION_FEATURES.join(',');
    if (model.features.join(',') !== want) {
      throw new Error(`the motion model reads features [${model.features.join(', ')}], this worker computes [${MOTION_FEATURES.join(', ')}]`);
    }
    model.trees.forEach((t, i) => {
      const n = t.feature.length;
      if ([t.threshold, t.left, t.right, t.value].some((a) => a.length !== n)) throw new Error(`motion model tree ${i}: arrays of different lengths`);
      if (t.left.some((c, j) => c >= n || t.right[j] >= n || (c < 0) !== (t.right[j] < 0))) throw new Error(`motion model tree ${i}: a child index out of range`);
    });
    for (const c of model.checks) {
      const got = this.logOdds(c.x);
      if (Math.abs(got - c.logOdds) > 1e-6) throw new Error(`the motion model's check gives ${got}, its trainer ${c.logOdds}: the file is corrupt or from another evaluator`);
    }
    this.threshold = threshold;
  }

  static load(path: string, threshold?: number): MotionClassifier {
    if (!existsSync(path)) throw new Error(`${path}: no such motion model`);
    return new MotionClassifier(readJson(path, MotionModelSchema, 'not a motion model'), threshold);
  }

  logOdds(x: readonly number[]): number {
    if (x.length !== this.model.features.length) throw new Error(`the motion model needs ${this.model.features.length} features, got ${x.length}`);
    let sum = 0;
    for (const t of this.model.trees) {
      let i = 0;
      // sklearn compares features as float32
      while (t.left[i] >= 0) i = Math.fround(x[t.feature[i]]) <= t.threshold[i] ? t.left[i] : t.right[i];
      sum += t.value[i];
    }
    return this.model.init + this.model.rate * sum;
  }

  probability(x: readonly number[]): number {
    return 1 / (1 + Math.exp(-this.logOdds(x)));
  }
}
