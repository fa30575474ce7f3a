import type { Vec3 } from '../calibration/calibration';
import { fallPath, parcelBox, personBox, syntheticCamera, track } from '../testing/synthetic-scene';
import { DEFAULT_JUDGE, type MotionRecord } from './judgement';
import { MotionClassifier } from './motion-classifier';
import { MOTION_FEATURES } from './motion-features';
import { ThrowJudge } from './throw-judge';

const FPS = 25;
const cam = syntheticCamera();
const ctx = { camera: cam.model, settings: DEFAULT_JUDGE, zones: [] };

const fall = (release: Vec3, v: Vec3, size = 30, carryFrames = 8, restFrames = 6) => fallPath(cam.project, release, v, size, carryFrames, restFrames);

function personNear(x: number, y: number, frames: number) {
  return track('person-1', 1, Array.from({ length: frames }, (_, frame) => ({ frame, box: personBox(cam.project, x, y) })));
}

describe('ThrowJudge', () => {
  it('flags a parcel thrown from hand height and measures the drop in centimetres', () => {
    const path = fall([0, 140, 120], [40, 260, 90]);
    const j = new ThrowJudge(ctx).judge(track('parcel-1', 0, path), [personNear(0, 100, path.length)], false);
    expect(j).not.toBeNull();
    expect(j!.kind).toBe('throw');
    expect(j!.personTrackId).toBe('person-1');
    expect(j!.frame).toBe(8);
    expect(j!.dropHeightCm!).toBeGreaterThan(90);
    expect(j!.dropHeightCm!).toBeLessThan(120);
    expect(j!.confidence).toBeGreaterThan(0.8);
  });

  it('calls a release from height without speed a drop, still a violation', () => {
    const path = fall([10, 130, 110], [0, 0, 0]);
    const j = new ThrowJudge(ctx).judge(track('parcel-1', 0, path), [personNear(10, 95, path.length)], false);
    expect(j?.kind).toBe('drop');
    expect(j!.dropHeightCm!).toBeGreaterThan(80);
  });

  it('lets a parcel set down gently from below the threshold pass', () => {
    const path = fall([0, 140, 35], [0, 20, 0]);
    expect(new ThrowJudge(ctx).judge(track('parcel-1', 0, path), [personNear(0, 105, path.length)], false)).toBeNull();
  });

  it('follows the per-floor threshold', () => {
    // a 105 cm fall (measured 108): a violation at 50 cm, not where the floor allows 130 cm
    const path = fall([0, 140, 120], [40, 260, 90]);
    const persons = [personNear(0, 100, path.length)];
    expect(new ThrowJudge(ctx).judge(track('p', 0, path), persons, false)).not.toBeNull();
    const reasons: string[] = [];
    const trace = (judge: string, id: string, _from: number, _to: number, reason: string) => reasons.push(`${judge} ${id}: ${reason}`);
    const strict = { ...ctx, settings: { ...DEFAULT_JUDGE, dropHeightCm: 130 }, trace };
    expect(new ThrowJudge(strict).judge(track('p', 0, path), persons, false)).toBeNull();
    // the evaluation tooling is told why
    expect(reasons).toEqual([expect.stringMatching(/^throw p: a fall of 108 cm, under 130 \(release at frame 8, landing at \d+\)$/)]);
  });

  it('keeps finding a throw through ±2 px of noise on every box edge, with the height within 30 cm', () => {
    // (at ±3 px, about the detector's error on parcels in flight, this track is mostly missed)
    let seed = 11;
    const jitter = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 4;
    const path = fall([0, 140, 120], [40, 260, 90]).map((p) => ({ frame: p.frame, box: p.box.map((x) => x + jitter()) as typeof p.box }));
    const j = new ThrowJudge(ctx).judge(track('parcel-1', 0, path), [personNear(0, 100, path.length)], false);
    expect(j?.kind).toBe('throw');
    expect(Math.abs(j!.dropHeightCm! - 105)).toBeLessThan(30);
  });

  it('lets a parcel lowered by hand to the floor and let go pass: it slows down before it lands', () => {
    // lowered from 100 cm to 25 cm in 0.4 s (easing in and out), let go, a 10 cm fall
    const pts: { frame: number; box: ReturnType<typeof parcelBox> }[] = [];
    let f = 0;
    for (; f < 6; f++) pts.push({ frame: f, box: parcelBox(cam.project, [0, 140, 100]) });
    for (let k = 1; k <= 10; k++, f++) {
      const w = k / 10;
      pts.push({ frame: f, box: parcelBox(cam.project, [0, 140, 100 - 75 * w * w * (3 - 2 * w)]) });
    }
    for (let k = 0; k < 8; k++, f++) pts.push({ frame: f, box: parcelBox(cam.project, [0, 140, k < 2 ? 25 - 5 * k : 15]) });
    expect(new ThrowJudge(ctx).judge(track('parcel-1', 0, pts), [personNear(0, 105, pts.length)], false)).toBeNull();
  });

  it("does not take a parcel shot along the floor from a person's feet for a throw", () => {
    const pts: { frame: number; box: ReturnType<typeof parcelBox> }[] = [];
    let f = 0;
    for (; f < 8; f++) pts.push({ frame: f, box: parcelBox(cam.project, [0, 120, 15]) });
    let y = 120;
    for (let v = 400; v > 0; v -= 40, f++) pts.push({ frame: f, box: parcelBox(cam.project, [0, (y += v / FPS), 15]) });
    for (let k = 0; k < 6; k++, f++) pts.push({ frame: f, box: parcelBox(cam.project, [0, y, 15]) });
    expect(new ThrowJudge(ctx).judge(track('parcel-1', 0, pts), [personNear(0, 95, pts.length)], false)).toBeNull();
  });

  it('does not blame anyone for a parcel sliding off the conveyor with nobody near', () => {
    const path = fall([-40, -60, 95], [60, -70, 0]);
    expect(new ThrowJudge(ctx).judge(track('parcel-1', 0, path), [personNear(150, 250, path.length)], false)).toBeNull();
  });

  it('waits until the parcel has settled, then reports once', () => {
    const path = fall([0, 140, 120], [40, 260, 90]);
    const judge = new ThrowJudge(ctx);
    const persons = [personNear(0, 100, path.length)];
    const partial = track('parcel-1', 0, path.slice(0, 14));
    expect(judge.judge(partial, persons, false)).toBeNull();
    const full = track('parcel-1', 0, path);
    expect(judge.judge(full, persons, false)).not.toBeNull();
    const more = track('parcel-1', 0, [...path, ...path.slice(-3).map((p, i) => ({ frame: path.length + i, box: p.box }))]);
    expect(judge.judge(more, persons, false)).toBeNull();
  });

  it('needs a fall to last at least the free-fall time of the threshold height', () => {
    // pushed down from 80 cm: the seen fall spans 0.24 s, less than anything released past 50 cm takes (0.32 s)
    const path = fall([0, 140, 80], [0, 100, -100]);
    const persons = [personNear(0, 105, path.length)];
    expect(new ThrowJudge(ctx).judge(track('p', 0, path), persons, false)).toBeNull();
    // the same track against a 20 cm threshold (0.20 s): long enough, and flagged; the fit anchored at the
    // landing reads this short downward fall low (42 cm of 65): a known weakness on hurled-down parcels
    const low = { ...ctx, settings: { ...DEFAULT_JUDGE, dropHeightCm: 20 } };
    const j = new ThrowJudge(low).judge(track('p', 0, path), persons, false);
    expect(j?.dropHeightCm).toBeGreaterThan(20);
    expect(j?.dropHeightCm).toBeLessThan(65);
  });

  it('judges a fall first seen in mid-air (the parcel was hidden in the hands) from its apex', () => {
    // thrown up and out from 120 cm; the track begins 8 frames (0.32 s) later, falling at 224 cm/s
    const path = fall([0, 140, 120], [40, 260, 90], 30, 0).slice(8);
    const persons = [personNear(0, 100, path[path.length - 1].frame + 1)];
    const j = new ThrowJudge(ctx).judge(track('parcel-1', 0, path), persons, false);
    expect(j?.kind).toBe('throw');
    expect(j!.personTrackId).toBe('person-1');
    // the apex is 4 cm above the release, and the landing is a parcel's centre
    expect(Math.abs(j!.dropHeightCm! - 109)).toBeLessThan(15);
    // held to the release speed limit, the same track has no release in view
    const strict = { ...ctx, tuning: { throw: { midAirStartMax: 0 } } };
    expect(new ThrowJudge(strict).judge(track('parcel-1', 0, path), persons, false)).toBeNull();
  });

  it('measures a fall first seen in mid-air from its apex, not higher', () => {
    // the same throw from 100 cm (apex 104, an 89 cm drop), first seen falling at 224 cm/s: a violation at the
    // 50 cm threshold, not at 100 cm. It reads 68: the short window lets the fit take an early landing
    // (docs/vision.md, "the landing's depth is free")
    const path = fall([0, 140, 100], [40, 260, 90], 30, 0).slice(8);
    const persons = [personNear(0, 100, path[path.length - 1].frame + 1)];
    const j = new ThrowJudge(ctx).judge(track('parcel-1', 0, path), persons, false);
    expect(j!.dropHeightCm!).toBeGreaterThan(50);
    expect(j!.dropHeightCm!).toBeLessThanOrEqual(89);
    const strict = { ...ctx, settings: { ...DEFAULT_JUDGE, dropHeightCm: 100 } };
    expect(new ThrowJudge(strict).judge(track('parcel-1', 0, path), persons, false)).toBeNull();
  });

  it('ignores a parcel riding a conveyor at constant height', () => {
    const pts = Array.from({ length: 40 }, (_, frame) => ({ frame, box: parcelBox(cam.project, [-150 + 2.5 * frame, -60, 95]) }));
    expect(new ThrowJudge(ctx).judge(track('parcel-1', 0, pts), [personNear(0, -10, 40)], true)).toBeNull();
  });

  describe('with a motion model', () => {
    /** A model that gives every motion the same probability. */
    const constant = (p: number, threshold = 0.5) =>
      new MotionClassifier({
        kind: 'throw-motion-gbt',
        features: [...MOTION_FEATURES],
        init: Math.log(p / (1 - p)),
        rate: 1,
        trees: [{ feature: [-2], threshold: [-2], left: [-1], right: [-1], value: [0] }],
        threshold,
        checks: [],
      });
    const path = fall([0, 140, 120], [40, 260, 90]);
    const persons = [personNear(0, 100, path.length)];

    it('lets the model turn down what the geometry found, and says why', () => {
      const reasons: string[] = [];
      const trace = (_j: string, _id: string, _f: number, _t: number, reason: string) => reasons.push(reason);
      expect(new ThrowJudge({ ...ctx, model: constant(0.2), trace }).judge(track('p', 0, path), persons, false)).toBeNull();
      expect(reasons).toEqual(['the motion model gives 0.20, under 0.5 (the geometry: a throw)']);
    });

    it("reports what both find with the geometry's release and drop and the model's confidence", () => {
      const j = new ThrowJudge({ ...ctx, model: constant(0.9) }).judge(track('p', 0, path), persons, false);
      expect(j?.kind).toBe('throw');
      expect(j!.confidence).toBe(0.9);
      expect(j!.frame).toBe(8);
      expect(j!.dropHeightCm!).toBeGreaterThan(90);
      expect(j!.dropHeightCm!).toBeLessThan(120);
    });

    it('takes a fall the geometry turned down when the model is sure of it, with the person nearest the release', () => {
      // nobody within reach of the release for the geometry (the person stands 150 cm off): the model decides
      const far = [personNear(0, -10, path.length)];
      expect(new ThrowJudge(ctx).judge(track('p', 0, path), far, false)).toBeNull();
      const j = new ThrowJudge({ ...ctx, model: constant(0.9) }).judge(track('p', 0, path), far, false);
      expect(j?.personTrackId).toBe('person-1');
      expect(j!.dropHeightCm!).toBeGreaterThan(50);
    });

    it("still holds a fall the model takes to the floor's threshold", () => {
      // a parcel set down from 35 cm: however sure the model is, it is not a fall past 50 cm
      const low = fall([0, 140, 35], [0, 20, 0]);
      const reasons: string[] = [];
      const trace = (_j: string, _id: string, _f: number, _t: number, reason: string) => reasons.push(reason);
      expect(new ThrowJudge({ ...ctx, model: constant(0.95), trace }).judge(track('p', 0, low), [personNear(0, 105, low.length)], false)).toBeNull();
      expect(reasons[0]).toMatch(/^the motion model gives 0.95, but the fall measures \d+ cm/);
    });

    it('hands every settled motion to the training hook, with its features and where the parcel went', () => {
      const seen: MotionRecord[] = [];
      new ThrowJudge({ ...ctx, onMotion: (m) => seen.push(m) }).judge(track('p', 0, path), persons, false);
      expect(seen).toHaveLength(1);
      expect(seen[0].geometric).toBe(true);
      expect(seen[0].features).toHaveLength(MOTION_FEATURES.length);
      expect(seen[0].startFrame).toBe(8);
      expect(seen[0].path[0][0]).toBe(0);
    });
  });
});
