import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MotionClassifier, type MotionModel } from './motion-classifier';
import { MOTION_FEATURES } from './motion-features';

const n = MOTION_FEATURES.length;
const x = (over: Record<number, number> = {}) => Array.from({ length: n }, (_, i) => over[i] ?? 0);

/** Two stumps: feature 0 at a float32 threshold, feature 3 at 2.5. */
function model(checks: MotionModel['checks'] = []): MotionModel {
  return {
    kind: 'throw-motion-gbt',
    features: [...MOTION_FEATURES],
    init: -1,
    rate: 0.5,
    trees: [
      { feature: [0, -2, -2], threshold: [Math.fround(0.1), -2, -2], left: [1, -1, -1], right: [2, -1, -1], value: [0, -2, 4] },
      { feature: [3, -2, -2], threshold: [2.5, -2, -2], left: [1, -1, -1], right: [2, -1, -1], value: [0, 1, -1] },
    ],
    threshold: 0.5,
    checks,
  };
}

describe('MotionClassifier', () => {
  it('sums the leaves reached, scaled by the rate, onto the prior log-odds', () => {
    const m = new MotionClassifier(model());
    expect(m.logOdds(x())).toBeCloseTo(-1 + 0.5 * (-2 + 1), 12);
    expect(m.logOdds(x({ 0: 1, 3: 3 }))).toBeCloseTo(-1 + 0.5 * (4 - 1), 12);
    expect(m.probability(x({ 0: 1, 3: 3 }))).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 12);
  });

  it('compares features as float32, as sklearn does', () => {
    // above the threshold in float64, equal to it in float32: sklearn goes left
    expect(0.100000002).toBeGreaterThan(Math.fround(0.1));
    expect(new MotionClassifier(model()).logOdds(x({ 0: 0.100000002 }))).toBeCloseTo(-1 + 0.5 * (-2 + 1), 12);
  });

  it("refuses a file whose checks it does not reproduce, or whose features are not the worker's", () => {
    expect(() => new MotionClassifier(model([{ x: x(), logOdds: -1.5 }]))).not.toThrow();
    expect(() => new MotionClassifier(model([{ x: x(), logOdds: -1.2 }]))).toThrow(/check gives -1.5, its trainer -1.2/);
    expect(() => new MotionClassifier({ ...model(), features: ['a', 'b'] })).toThrow(/reads features \[a, b\]/);
    const broken = model();
    broken.trees[0].left = [5, -1, -1];
    expect(() => new MotionClassifier(broken)).toThrow(/tree 0: a child index out of range/);
  });

  it('takes a threshold override, and wants one value per feature', () => {
    expect(new MotionClassifier(model(), 0.8).threshold).toBe(0.8);
    expect(() => new MotionClassifier(model()).logOdds([1, 2])).toThrow(/needs \d+ features, got 2/);
  });

  it('loads a file, and says what is wrong with one it cannot use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kj-motion-model-'));
    try {
      const write = (name: string, text: string) => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
      };
      expect(MotionClassifier.load(write('ok.json', JSON.stringify(model())), 0.7).threshold).toBe(0.7);
      expect(() => MotionClassifier.load(join(dir, 'absent.json'))).toThrow(/absent\.json: no such motion model/);
      expect(() => MotionClassifier.load(write('bad.json', '{'))).toThrow(/bad\.json: not readable JSON/);
      expect(() => MotionClassifier.load(write('other.json', JSON.stringify({ ...model(), rate: -1 })))).toThrow(/other\.json: not a motion model: rate:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
