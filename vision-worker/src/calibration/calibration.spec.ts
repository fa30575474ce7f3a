import { CalibrationError, CameraModel, fitBallistic, fitLandedFall, homographyFrom4, applyH, type Vec3, type Pt } from './calibration';

/** A camera 400 cm up, 250 cm back, looking down at the floor centre: the scene the judgements assume. */
function syntheticCamera(f = 520, W = 640, H = 480, camPos: Vec3 = [120, -250, 400], target: Vec3 = [0, 60, 0]) {
  const z = norm3(sub3(target, camPos));
  const x = norm3(cross3(z, [0, 0, 1]));
  const y = cross3(z, x);
  const project = (X: Vec3): [number, number] => {
    const d = sub3(X, camPos);
    const c = [dot3(x, d), dot3(y, d), dot3(z, d)];
    return [(f * c[0]) / c[2] + W / 2, (f * c[1]) / c[2] + H / 2];
  };
  return { project, f, W, H, camPos };
}
const sub3 = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot3 = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross3 = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm3 = (a: Vec3): Vec3 => {
  const n = Math.hypot(...a);
  return [a[0] / n, a[1] / n, a[2] / n];
};

const FLOOR: Pt[] = [
  [-100, 0],
  [100, 0],
  [100, 150],
  [-100, 150],
];

describe('homographyFrom4', () => {
  it('maps the four source points onto the four destination points and interpolates the plane', () => {
    const dst: Pt[] = [
      [10, 20],
      [300, 40],
      [280, 260],
      [30, 240],
    ];
    const H = homographyFrom4(FLOOR, dst);
    FLOOR.forEach((p, i) => {
      const q = applyH(H, p);
      expect(q[0]).toBeCloseTo(dst[i][0], 6);
      expect(q[1]).toBeCloseTo(dst[i][1], 6);
    });
  });

  it('rejects collinear points with a clear error', () => {
    const line: Pt[] = [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ];
    expect(() => homographyFrom4(line, FLOOR)).toThrow(CalibrationError);
  });
});

describe('CameraModel', () => {
  const cam = syntheticCamera();
  const imagePoints = FLOOR.map((p) => cam.project([p[0], p[1], 0]));
  const model = new CameraModel({ imagePoints, floorPointsCm: FLOOR, surfaceHeightCm: 0, width: cam.W, height: cam.H });

  it('recovers the focal length and the camera position from four floor points', () => {
    expect(model.focalPx).toBeCloseTo(cam.f, 3);
    expect(model.center[0]).toBeCloseTo(cam.camPos[0], 2);
    expect(model.center[1]).toBeCloseTo(cam.camPos[1], 2);
    expect(model.center[2]).toBeCloseTo(cam.camPos[2], 2);
  });

  it('projects points above the floor where the true camera sees them', () => {
    for (const X of [
      [30, 80, 120],
      [-60, 20, 45],
      [0, 140, 170],
    ] as Vec3[]) {
      const [u, v] = model.project(X);
      const [eu, ev] = cam.project(X);
      expect(u).toBeCloseTo(eu, 4);
      expect(v).toBeCloseTo(ev, 4);
    }
  });

  it('maps image points back to the floor and to raised planes in centimetres', () => {
    const X: Vec3 = [42, 77, 0];
    const [x, y] = model.imageToPlane(cam.project(X));
    expect(x).toBeCloseTo(42, 4);
    expect(y).toBeCloseTo(77, 4);
    const [x2, y2] = model.imageToPlane(cam.project([-30, 90, 80]), 80);
    expect(x2).toBeCloseTo(-30, 4);
    expect(y2).toBeCloseTo(90, 4);
  });

  it('accounts for points marked on a raised reference surface', () => {
    const s = 75; // marks on the conveyor top
    const raised = FLOOR.map((p) => cam.project([p[0], p[1], s]));
    const m2 = new CameraModel({ imagePoints: raised, floorPointsCm: FLOOR, surfaceHeightCm: s, width: cam.W, height: cam.H });
    expect(m2.center[2]).toBeCloseTo(400, 2);
    const [x, y] = m2.imageToPlane(cam.project([10, 50, 0]));
    expect(x).toBeCloseTo(10, 3);
    expect(y).toBeCloseTo(50, 3);
  });

  it('rescales with the frames', () => {
    const half = CameraModel.scaled({ imagePoints, floorPointsCm: FLOOR, surfaceHeightCm: 0, width: cam.W, height: cam.H }, 0.5);
    const [u, v] = half.project([30, 80, 120]);
    const [eu, ev] = cam.project([30, 80, 120]);
    expect(u).toBeCloseTo(eu / 2, 3);
    expect(v).toBeCloseTo(ev / 2, 3);
  });
});

describe('fitBallistic', () => {
  const cam = syntheticCamera();
  const model = new CameraModel({ imagePoints: FLOOR.map((p) => cam.project([p[0], p[1], 0])), floorPointsCm: FLOOR, surfaceHeightCm: 0, width: cam.W, height: cam.H });
  const throwAt = (t: number): Vec3 => [-20 + 180 * t, 60 + 90 * t, 120 + 150 * t - 0.5 * 981 * t * t];

  it('recovers release height and velocity in centimetres from image positions alone', () => {
    const obs = Array.from({ length: 12 }, (_, i) => {
      const t = i / 25;
      const [u, v] = cam.project(throwAt(t));
      return { t, u, v };
    });
    const fit = fitBallistic(model, obs)!;
    expect(fit.rmsPx).toBeLessThan(1e-6);
    expect(fit.p0[2]).toBeCloseTo(120, 3);
    expect(fit.v0[0]).toBeCloseTo(180, 3);
    expect(fit.at(0.3)[2]).toBeCloseTo(throwAt(0.3)[2], 3);
  });

  it('keeps the fall height within 10 % with a pixel of detection noise', () => {
    let seed = 7;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
    const obs = Array.from({ length: 16 }, (_, i) => {
      const t = i / 25;
      const [u, v] = cam.project(throwAt(t));
      return { t, u: u + noise(), v: v + noise() };
    });
    const fit = fitBallistic(model, obs)!;
    const fall = fit.at(0)[2] - fit.at(15 / 25)[2];
    const trueFall = throwAt(0)[2] - throwAt(15 / 25)[2];
    expect(Math.abs(fall - trueFall) / trueFall).toBeLessThan(0.1);
    expect(fit.rmsPx).toBeLessThan(1.5);
  });

  it('does not fit a parcel carried at constant height', () => {
    const obs = Array.from({ length: 10 }, (_, i) => {
      const t = i / 25;
      const [u, v] = cam.project([-50 + 120 * t, 80, 100]);
      return { t, u, v };
    });
    const fit = fitBallistic(model, obs);
    // a straight image path cannot be explained by a fall in front of the camera: either no solution
    // (behind the camera) or a poor one
    expect(fit === null || fit.rmsPx > 2).toBe(true);
  });
});

describe('fitLandedFall', () => {
  const cam = syntheticCamera();
  const model = new CameraModel({ imagePoints: FLOOR.map((p) => cam.project([p[0], p[1], 0])), floorPointsCm: FLOOR, surfaceHeightCm: 0, width: cam.W, height: cam.H });
  // released at 120 cm, lands (centre 12 cm) when 120 + 150t − 490.5t² = 12
  const throwAt = (t: number): Vec3 => [-20 + 180 * t, 60 + 90 * t, 120 + 150 * t - 0.5 * 981 * t * t];
  const tLand = (150 + Math.sqrt(150 * 150 + 4 * 490.5 * 108)) / (2 * 490.5);

  it('recovers the release height from the image track and where the parcel landed', () => {
    const obs = Array.from({ length: 12 }, (_, i) => {
      const t = (i / 12) * tLand;
      const [u, v] = cam.project(throwAt(t));
      return { t, u, v };
    });
    const fit = fitLandedFall(model, obs, throwAt(tLand), tLand)!;
    expect(fit.rmsPx).toBeLessThan(1e-6);
    expect(fit.at(0)[2]).toBeCloseTo(120, 3);
  });

  it('keeps the height within 10 cm when one box is far off and the rest have a pixel of noise', () => {
    let seed = 5;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
    const obs = Array.from({ length: 12 }, (_, i) => {
      const t = (i / 12) * tLand;
      const [u, v] = cam.project(throwAt(t));
      return { t, u: u + noise() + (i === 5 ? 25 : 0), v: v + noise() };
    });
    const fit = fitLandedFall(model, obs, throwAt(tLand), tLand)!;
    expect(Math.abs(fit.at(0)[2] - 120)).toBeLessThan(10);
    // the bad box keeps its residual instead of bending the curve
    expect(fit.residualsPx[5]).toBeGreaterThan(15);
  });
});
