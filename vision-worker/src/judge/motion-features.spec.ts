import { fallPath, personBox, syntheticCamera, track } from '../testing/synthetic-scene';
import { fitParabola, GeoCode, heightAbove, MOTION_FEATURES, motionFeatures, NONE } from './motion-features';

const cam = syntheticCamera();
const feature = (x: number[], name: (typeof MOTION_FEATURES)[number]) => x[MOTION_FEATURES.indexOf(name)];

describe('heightAbove', () => {
  it('reads back the height of a point above a floor point from its image row', () => {
    for (const [x, y, z] of [
      [0, 100, 0],
      [40, 250, 120],
      [-80, 60, 170],
    ]) {
      const [, v] = cam.project([x, y, z]);
      expect(heightAbove(cam.model, x, y, v)).toBeCloseTo(z, 6);
    }
  });
});

describe('fitParabola', () => {
  it('recovers the acceleration of a sampled parabola exactly, and rejects fewer than four points', () => {
    const ts = [0, 0.04, 0.08, 0.12, 0.16, 0.2];
    const f = fitParabola(
      ts.map((t) => t + 3),
      ts.map((t) => 120 + 50 * t - 490.5 * t * t),
    );
    expect(f!.accel).toBeCloseTo(-981, 6);
    expect(f!.rms).toBeLessThan(1e-6);
    expect(fitParabola([0, 1, 2], [0, 1, 4])).toBeNull();
  });
});

describe('motionFeatures', () => {
  const path = fallPath(cam.project, [0, 140, 120], [40, 260, 90], 30, 8, 12);
  const parcel = track('parcel-1', 0, path);
  const obs = parcel.history;
  const motion = { obs, a: 7, b: obs.length - 10, trackStart: true, ended: false };

  it('gives one finite value per named feature, reads the fall at about g and its heights in centimetres', () => {
    const person = track('person-1', 1, path.map(({ frame }) => ({ frame, box: personBox(cam.project, 0, 100) })));
    const x = motionFeatures(cam.model, motion, [person], { code: GeoCode.Throw, dropCm: 105, rmsShare: 0.2 });
    expect(x).toHaveLength(MOTION_FEATURES.length);
    expect(x.every(Number.isFinite)).toBe(true);
    expect(feature(x, 'hasPerson')).toBe(1);
    // the image rows read above where the parcel lands: the fall is seen from its apex, accelerating at about g
    expect(feature(x, 'fallAccel')).toBeLessThan(-600);
    expect(feature(x, 'fallAccel')).toBeGreaterThan(-1400);
    // the motion starts at 118 cm, between the feet (nearer the camera) and the landing (farther): read above the
    // nearer point the row reads higher, above the farther one lower, so the two bracket the true height
    expect(feature(x, 'hFeetStart')).toBeGreaterThan(118);
    expect(feature(x, 'hLandStart')).toBeLessThan(118);
    expect(feature(x, 'hLandStart')).toBeGreaterThan(30);
    expect(feature(x, 'geoCode')).toBe(GeoCode.Throw);
    expect(feature(x, 'geoDropCm')).toBe(105);
  });

  it('marks what needs a person as missing when nobody is near', () => {
    const x = motionFeatures(cam.model, motion, [], { code: GeoCode.NoFall });
    expect(feature(x, 'hasPerson')).toBe(0);
    expect(feature(x, 'hFeetStart')).toBe(NONE);
    expect(feature(x, 'geoDropCm')).toBe(NONE);
    // the rest of the motion's shape is still measured
    expect(feature(x, 'hLandStart')).toBeGreaterThan(30);
    expect(feature(x, 'hLandEnd')).toBeLessThan(30);
  });
});
