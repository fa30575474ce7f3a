/**
 * Camera calibration from four marked points: a plane homography, the camera it implies, and the geometry
 * the judgements need (image → floor, 3D → image, a ballistic trajectory fitted through the camera).
 *
 * Units: centimetres and seconds. World Z is up and the floor is Z = 0. The four marked points lie on a
 * reference surface `surfaceHeightCm` above the floor (0 when they are marked on the floor itself).
 */
export type Pt = readonly [number, number];
export type Vec3 = [number, number, number];
/** Row-major 3×3. */
export type Mat3 = number[];
/** Row-major 3×4 projection matrix. */
export type Mat34 = number[];

export class CalibrationError extends Error {}

/** Solves A x = b in place (Gaussian elimination with partial pivoting); A is n×n row-major. */
export function solveLinear(A: number[], b: number[], n: number): number[] | null {
  const a = A.slice();
  const x = b.slice();
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[piv * n + c])) piv = r;
    if (Math.abs(a[piv * n + c]) < 1e-12) return null;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [a[c * n + k], a[piv * n + k]] = [a[piv * n + k], a[c * n + k]];
      [x[c], x[piv]] = [x[piv], x[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= a[r * n + k] * x[k];
    x[r] = s / a[r * n + r];
  }
  return x;
}

/** The homography mapping `src[i]` to `dst[i]` (four correspondences, no three collinear). */
export function homographyFrom4(src: readonly Pt[], dst: readonly Pt[]): Mat3 {
  if (src.length !== 4 || dst.length !== 4) throw new CalibrationError('a homography needs exactly four point pairs');
  const A: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = src[i];
    const [u, v] = dst[i];
    A.push(x, y, 1, 0, 0, 0, -u * x, -u * y);
    b.push(u);
    A.push(0, 0, 0, x, y, 1, -v * x, -v * y);
    b.push(v);
  }
  const h = solveLinear(A, b, 8);
  if (!h || h.some((n) => !Number.isFinite(n))) {
    throw new CalibrationError('the four points are degenerate (three of them are collinear or two coincide)');
  }
  return [...h, 1];
}

export function applyH(H: Mat3, p: Pt): [number, number] {
  const w = H[6] * p[0] + H[7] * p[1] + H[8];
  return [(H[0] * p[0] + H[1] * p[1] + H[2]) / w, (H[3] * p[0] + H[4] * p[1] + H[5]) / w];
}

export function invert3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-15) throw new CalibrationError('matrix is singular');
  return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, -(a * f - c * d) / det, C / det, -(a * h - b * g) / det, (a * e - b * d) / det];
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const norm = (a: Vec3) => Math.hypot(a[0], a[1], a[2]);

export interface CalibrationInput {
  imagePoints: readonly Pt[];
  floorPointsCm: readonly Pt[];
  surfaceHeightCm: number;
  width: number;
  height: number;
  /** Known focal length in pixels; otherwise it is recovered from the homography (square pixels, centred principal point). */
  focalPx?: number;
}

/**
 * A calibrated camera. The homography of the marked plane fixes the camera up to its focal length; with
 * square pixels and a centred principal point the focal length follows from the two constraints that the
 * plane's axes are orthogonal and equally long (Zhang's method with one unknown intrinsic).
 */
export class CameraModel {
  readonly P: Mat34;
  readonly focalPx: number;
  readonly center: Vec3;
  /** Image → floor (Z = 0) homography and its inverse. */
  private readonly floorToImage: Mat3;
  private readonly imageToFloorH: Mat3;

  constructor(readonly input: CalibrationInput) {
    const { imagePoints, floorPointsCm, surfaceHeightCm, width, height } = input;
    if (!(width > 0 && height > 0)) throw new CalibrationError('image width and height must be positive');
    const H = homographyFrom4(floorPointsCm, imagePoints);
    const cx = width / 2;
    const cy = height / 2;
    // shift the principal point to the origin: K becomes diag(f, f, 1)
    const col = (j: number): Vec3 => [H[j] - cx * H[6 + j], H[3 + j] - cy * H[6 + j], H[6 + j]];
    const h1 = col(0);
    const h2 = col(1);
    const h3 = col(2);
    let f = input.focalPx;
    if (f === undefined) {
      const a1 = h1[0] * h2[0] + h1[1] * h2[1];
      const b1 = h1[2] * h2[2];
      const a2 = h1[0] ** 2 + h1[1] ** 2 - h2[0] ** 2 - h2[1] ** 2;
      const b2 = h1[2] ** 2 - h2[2] ** 2;
      const w = -(a1 * b1 + a2 * b2) / (a1 * a1 + a2 * a2);
      if (!(w > 0) || !Number.isFinite(w)) {
        throw new CalibrationError('cannot recover the focal length from these points (is the camera looking straight down? give focalPx)');
      }
      f = 1 / Math.sqrt(w);
    }
    const kinv = (v: Vec3): Vec3 => [v[0] / f, v[1] / f, v[2]];
    const k1 = kinv(h1);
    const k2 = kinv(h2);
    let lambda = 2 / (norm(k1) + norm(k2));
    let t = scale(kinv(h3), lambda);
    if (t[2] < 0) {
      lambda = -lambda;
      t = scale(t, -1);
    }
    let r1 = scale(k1, lambda);
    r1 = scale(r1, 1 / norm(r1));
    let r2 = scale(k2, lambda);
    r2 = sub(r2, scale(r1, dot(r1, r2)));
    r2 = scale(r2, 1 / norm(r2));
    let r3 = cross(r1, r2);
    // camera centre in plane coordinates: C = -Rᵀt; Z must point up, towards the camera
    const cz = -dot(r3, t);
    if (cz < 0) r3 = scale(r3, -1);
    // world Z is measured from the floor; the marked plane is at surfaceHeightCm
    const tw = sub(t, scale(r3, surfaceHeightCm));
    const K = [f, 0, cx, 0, f, cy, 0, 0, 1];
    const Rt = [r1[0], r2[0], r3[0], tw[0], r1[1], r2[1], r3[1], tw[1], r1[2], r2[2], r3[2], tw[2]];
    const P: number[] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) P.push(K[i * 3] * Rt[j] + K[i * 3 + 1] * Rt[4 + j] + K[i * 3 + 2] * Rt[8 + j]);
    this.P = P;
    this.focalPx = f;
    // C = -Rᵀ tw
    this.center = [
      -(r1[0] * tw[0] + r1[1] * tw[1] + r1[2] * tw[2]),
      -(r2[0] * tw[0] + r2[1] * tw[1] + r2[2] * tw[2]),
      -(r3[0] * tw[0] + r3[1] * tw[1] + r3[2] * tw[2]),
    ];
    this.floorToImage = this.planeH(0);
    this.imageToFloorH = invert3(this.floorToImage);
  }

  /** The homography from the horizontal plane Z = z to the image. */
  planeH(z: number): Mat3 {
    const P = this.P;
    return [P[0], P[1], P[2] * z + P[3], P[4], P[5], P[6] * z + P[7], P[8], P[9], P[10] * z + P[11]];
  }

  project(X: Vec3): [number, number] {
    const P = this.P;
    const w = P[8] * X[0] + P[9] * X[1] + P[10] * X[2] + P[11];
    return [(P[0] * X[0] + P[1] * X[1] + P[2] * X[2] + P[3]) / w, (P[4] * X[0] + P[5] * X[1] + P[6] * X[2] + P[7]) / w];
  }

  /** Depth of a world point in front of the camera (positive when visible). */
  depth(X: Vec3): number {
    const P = this.P;
    return P[8] * X[0] + P[9] * X[1] + P[10] * X[2] + P[11];
  }

  /** Where the viewing ray through an image point meets the plane Z = z (default the floor). */
  imageToPlane(p: Pt, z = 0): [number, number] {
    return applyH(z === 0 ? this.imageToFloorH : invert3(this.planeH(z)), p);
  }

  floorToImagePoint(p: Pt): [number, number] {
    return applyH(this.floorToImage, p);
  }

  /** Scales the calibration to frames resized by `s` (the points were marked on full-size frames). */
  static scaled(input: CalibrationInput, s: number): CameraModel {
    return new CameraModel({
      ...input,
      imagePoints: input.imagePoints.map(([x, y]) => [x * s, y * s] as const),
      width: input.width * s,
      height: input.height * s,
      focalPx: input.focalPx === undefined ? undefined : input.focalPx * s,
    });
  }
}

export const GRAVITY_CM_S2 = 981;

export interface TimedPoint {
  t: number;
  u: number;
  v: number;
}

export interface BallisticFit {
  /** Position (cm) and velocity (cm/s) at time t0. */
  p0: Vec3;
  v0: Vec3;
  t0: number;
  rmsPx: number;
  at(t: number): Vec3;
}

/**
 * Fits a free-fall trajectory X(t) = p0 + v0·(t−t0) − ½g(t−t0)²·ẑ to image observations through the camera.
 * Each observation gives two equations linear in (p0, v0); gravity fixes the metric scale along the ray,
 * which is what turns a 2D track into heights in centimetres.
 */
export interface FitPrior {
  /** Where the trajectory is believed to be, horizontally, at time t (e.g. the thrower's position at the release). */
  t: number;
  x: number;
  y: number;
  /** Weight of the two prior equations relative to the image equations (whose residuals are ~ depth × pixels). */
  weight: number;
}

/** Adds one weighted equation a·x = b to the normal equations AᵀA x = Aᵀb (n unknowns). */
function addEquation(AtA: number[], Atb: number[], a: readonly number[], b: number, w = 1) {
  const n = a.length;
  for (let i = 0; i < n; i++) {
    Atb[i]! += w * a[i]! * b;
    for (let j = 0; j < n; j++) AtA[i * n + j]! += w * a[i]! * a[j]!;
  }
}

/**
 * The two rows (m·p3 − p_r) of an image point's projection constraint: with them, the point (u, v) on the ray of
 * [X, Y, Z, 1] reads c0·X + c1·Y + c2·Z + c3 = 0, once for u and once for v.
 */
function projectionRows(P: readonly number[], u: number, v: number): [number, number, number, number][] {
  return ([
    [u, 0],
    [v, 4],
  ] as const).map(([m, r]) => [m * P[8]! - P[r]!, m * P[9]! - P[r + 1]!, m * P[10]! - P[r + 2]!, m * P[11]! - P[r + 3]!]);
}

export function fitBallistic(cam: CameraModel, obs: readonly TimedPoint[], g = GRAVITY_CM_S2, prior?: FitPrior): BallisticFit | null {
  if (obs.length < 4) return null;
  const P = cam.P;
  const t0 = obs[0].t;
  const AtA = new Array<number>(36).fill(0);
  const Atb = new Array<number>(6).fill(0);
  for (const o of obs) {
    const dt = o.t - t0;
    const fall = 0.5 * g * dt * dt;
    // Each row · [X, Y, Z, 1] = 0 with X = p0 + v0·dt − fall·ẑ
    for (const [c0, c1, c2, c3] of projectionRows(P, o.u, o.v)) addEquation(AtA, Atb, [c0, c1, c2, c0 * dt, c1 * dt, c2 * dt], -c3 + c2 * fall);
  }
  if (prior) {
    // soft horizontal anchor: weight·(p0 + v0·dt − anchor) = 0 for x and y
    const dt = prior.t - t0;
    const w2 = prior.weight * prior.weight;
    for (const [i, target] of [
      [0, prior.x],
      [1, prior.y],
    ] as const) {
      const a = [0, 0, 0, 0, 0, 0];
      a[i] = 1;
      a[i + 3] = dt;
      addEquation(AtA, Atb, a, target, w2);
    }
  }
  const x = solveLinear(AtA, Atb, 6);
  if (!x) return null;
  const p0: Vec3 = [x[0], x[1], x[2]];
  const v0: Vec3 = [x[3], x[4], x[5]];
  const at = (t: number): Vec3 => {
    const dt = t - t0;
    return [p0[0] + v0[0] * dt, p0[1] + v0[1] * dt, p0[2] + v0[2] * dt - 0.5 * g * dt * dt];
  };
  let se = 0;
  for (const o of obs) {
    const X = at(o.t);
    if (cam.depth(X) <= 0) return null;
    const [u, v] = cam.project(X);
    se += (u - o.u) ** 2 + (v - o.v) ** 2;
  }
  return { p0, v0, t0, rmsPx: Math.sqrt(se / obs.length), at };
}

export interface LandedFit {
  /** Velocity (cm/s) at the landing. */
  vLand: Vec3;
  tLand: number;
  landing: Vec3;
  /** Reprojection error per observation (px). */
  residualsPx: number[];
  rmsPx: number;
  at(t: number): Vec3;
}

/**
 * Fits a free fall that ends at a known landing point: X(t) = L + v·(t−tL) − ½g(t−tL)²·ẑ, with only the
 * velocity v unknown. Where the parcel came to rest pins the fall's depth, which gravity alone pins poorly on a
 * short track with a few pixels of box noise: three unknowns instead of six. Each observation's two equations
 * are scaled by the point's depth so they weigh as pixels, and reweighted (Huber, `huberPx`) so that a box or
 * two far off the curve (a hand in front of the parcel, a blurred frame) do not bend it.
 */
export function fitLandedFall(cam: CameraModel, obs: readonly TimedPoint[], landing: Vec3, tLand: number, huberPx = 3, g = GRAVITY_CM_S2): LandedFit | null {
  if (obs.length < 3) return null;
  const P = cam.P;
  const at = (v: Vec3, t: number): Vec3 => {
    const dt = t - tLand;
    return [landing[0] + v[0] * dt, landing[1] + v[1] * dt, landing[2] + v[2] * dt - 0.5 * g * dt * dt];
  };
  // the judges call this thousands of times per fall: per-observation rows are computed once and the normal
  // equations are summed into preallocated arrays (the same arithmetic, in the same order, as addEquation)
  const n = obs.length;
  const [L0, L1, L2] = landing;
  const rows = new Float64Array(n * 8);
  const dts = new Float64Array(n);
  const falls = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const o = obs[k];
    dts[k] = o.t - tLand;
    falls[k] = 0.5 * g * dts[k] * dts[k];
    for (let q = 0; q < 2; q++) {
      const m = q === 0 ? o.u : o.v;
      const r = q * 4;
      rows.set([m * P[8]! - P[r]!, m * P[9]! - P[r + 1]!, m * P[10]! - P[r + 2]!, m * P[11]! - P[r + 3]!], k * 8 + q * 4);
    }
  }
  let v: Vec3 = [0, 0, 0];
  const weights = new Float64Array(n).fill(1);
  const depths = new Float64Array(n).fill(cam.depth(landing));
  const residualsPx: number[] = new Array<number>(n).fill(0);
  const AtA = new Float64Array(9);
  const Atb = new Float64Array(3);
  const a = new Float64Array(3);
  for (let iter = 0; iter < 6; iter++) {
    AtA.fill(0);
    Atb.fill(0);
    for (let k = 0; k < n; k++) {
      const dt = dts[k];
      const w = weights[k] / (depths[k] * depths[k]);
      // Each row · [L + v·dt − fall·ẑ, 1] = 0, linear in v
      for (let q = 0; q < 2; q++) {
        const r = k * 8 + q * 4;
        for (let i = 0; i < 3; i++) a[i] = rows[r + i] * dt;
        const b = -(rows[r] * L0 + rows[r + 1] * L1 + rows[r + 2] * (L2 - falls[k]) + rows[r + 3]);
        for (let i = 0; i < 3; i++) {
          Atb[i] += w * a[i] * b;
          for (let j = 0; j < 3; j++) AtA[i * 3 + j] += w * a[i] * a[j];
        }
      }
    }
    const x = solveLinear(Array.from(AtA), Array.from(Atb), 3);
    if (!x || x.some((c) => !Number.isFinite(c))) return null;
    v = [x[0], x[1], x[2]];
    for (let k = 0; k < n; k++) {
      const dt = dts[k];
      const X0 = L0 + v[0] * dt;
      const X1 = L1 + v[1] * dt;
      const X2 = L2 + v[2] * dt - 0.5 * g * dt * dt;
      const d = P[8]! * X0 + P[9]! * X1 + P[10]! * X2 + P[11]!;
      if (d <= 0) return null;
      const u = (P[0]! * X0 + P[1]! * X1 + P[2]! * X2 + P[3]!) / d;
      const vv = (P[4]! * X0 + P[5]! * X1 + P[6]! * X2 + P[7]!) / d;
      const r = Math.hypot(u - obs[k].u, vv - obs[k].v);
      residualsPx[k] = r;
      depths[k] = d;
      weights[k] = r <= huberPx ? 1 : huberPx / r;
    }
  }
  const rmsPx = Math.sqrt(residualsPx.reduce((s, r) => s + r * r, 0) / residualsPx.length);
  const vLand = v;
  return { vLand, tLand, landing, residualsPx, rmsPx, at: (t: number) => at(vLand, t) };
}
