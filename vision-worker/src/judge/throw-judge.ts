import { fitBallistic, type BallisticFit } from '../calibration/calibration';
import { centre, type Track, type TrackPoint } from '../track/tracker';
import { bottomCentre, contains, expand, imageSpeeds, inZone, personAt, sigmoid, stillThreshold, type JudgeContext, type Judgement } from './judgement';

const MIN_POINTS = 6;
const MIN_SPAN_S = 0.2;
const MAX_WINDOW = 45;

interface Flight {
  s: number;
  e: number;
  fit: BallisticFit;
  tol: number;
}

/**
 * Rule S1. A throw is a parcel leaving a person's hands and falling more than the threshold. The flight is
 * the longest stretch of the parcel's track that a free-fall trajectory explains through the calibrated
 * camera (gravity gives the scale, so the release height comes out in centimetres); its first point is the
 * release. A fall with nobody within reach at the release (a parcel sliding off a conveyor) is not a
 * person's throw.
 */
export class ThrowJudge {
  private consumed = new Map<string, number>();

  constructor(private readonly ctx: JudgeContext) {}

  /** Looks at a parcel track once it has come to rest again (or ended); returns a violation if it was thrown. */
  judge(parcel: Track, persons: readonly Track[], ended: boolean): Judgement | null {
    const from = this.consumed.get(parcel.id) ?? -1;
    const obs = parcel.history.filter((h) => h.frame > from);
    if (obs.length < MIN_POINTS) return null;
    const speeds = imageSpeeds(obs);
    const still = speeds.map((s, i) => s < stillThreshold(obs[i].box));
    if (!still.slice(1).some((s) => !s)) {
      // nothing moved: keep only the tail as the "before" of a future motion
      if (obs.length > 10) this.consumed.set(parcel.id, obs[obs.length - 4].frame);
      return null;
    }
    const n = obs.length;
    const settled = n >= 4 && still[n - 1] && still[n - 2] && still[n - 3];
    if (!settled && !ended) return null;
    this.consumed.set(parcel.id, obs[Math.max(0, n - 3)].frame);
    if (ended) this.consumed.delete(parcel.id);
    const flight = this.findFlight(obs, still);
    if (!flight) return null;
    return this.verdict(parcel, obs, flight, persons);
  }

  forget(trackId: string) {
    this.consumed.delete(trackId);
  }

  consumeUntil(trackId: string, frame: number) {
    this.consumed.set(trackId, Math.max(frame, this.consumed.get(trackId) ?? -1));
  }

  private findFlight(obs: readonly TrackPoint[], still: readonly boolean[]): Flight | null {
    const cam = this.ctx.camera;
    // the moving run, with one still point on each side
    let a = still.findIndex((s, i) => i > 0 && !s) - 1;
    a = Math.max(0, a);
    let b = obs.length - 1;
    while (b > a && still[b] && still[b - 1]) b--;
    b = Math.min(obs.length - 1, b + 1);
    const pts = obs.map((o) => {
      const [u, v] = centre(o.box);
      return { t: o.t, u, v };
    });
    let best: Flight | null = null;
    for (let s = a; s <= b - MIN_POINTS + 1; s++) {
      for (let e = Math.min(b, s + MAX_WINDOW); e >= s + MIN_POINTS - 1; e--) {
        if (best && e - s <= best.e - best.s) break;
        if (obs[e].t - obs[s].t < MIN_SPAN_S) break;
        const win = pts.slice(s, e + 1);
        const meanDiag = obs.slice(s, e + 1).reduce((acc, o) => acc + Math.hypot(o.box[2] - o.box[0], o.box[3] - o.box[1]), 0) / win.length;
        const tol = Math.max(1.5, 0.035 * meanDiag);
        const fit = fitBallistic(cam, win);
        if (!fit || fit.rmsPx > tol) continue;
        if (!this.plausible(fit, win, obs[Math.min(obs.length - 1, e + 1)])) continue;
        best = { s, e, fit, tol };
        break;
      }
    }
    // the longest window may start a point or two early, in the carry; a release is where the residual drops
    while (best && best.e - (best.s + 1) + 1 >= MIN_POINTS && obs[best.e].t - obs[best.s + 1].t >= MIN_SPAN_S) {
      const fit = fitBallistic(cam, pts.slice(best.s + 1, best.e + 1));
      if (!fit || fit.rmsPx > 0.5 * best.fit.rmsPx) break;
      best = { ...best, s: best.s + 1, fit };
    }
    return best;
  }

  /**
   * Gravity fixes the scale only up to what noise allows; a physically wrong solution (far behind the scene,
   * absurdly fast) can fit a short track too. The landing must agree with where the parcel comes to rest on
   * the floor, seen through the floor homography, which ties the fitted depth to the calibration.
   */
  private plausible(fit: BallisticFit, win: { t: number }[], after: TrackPoint): boolean {
    const zs = win.map((w) => fit.at(w.t)[2]);
    if (Math.min(...zs) < -30 || Math.max(...zs) > 400) return false;
    if (Math.hypot(...fit.v0) > 1200) return false;
    const land = fit.at(win[win.length - 1].t);
    if (land[2] > 80) return false;
    const [rx, ry] = this.ctx.camera.imageToPlane(bottomCentre(after.box));
    return Math.hypot(land[0] - rx, land[1] - ry) < 80;
  }

  private verdict(parcel: Track, obs: readonly TrackPoint[], f: Flight, persons: readonly Track[]): Judgement | null {
    const { settings, camera, zones } = this.ctx;
    const rel = obs[f.s];
    const land = obs[f.e];
    const pRel = f.fit.at(rel.t);
    const pLand = f.fit.at(land.t);
    const drop = pRel[2] - Math.max(0, Math.min(pLand[2], 15));
    if (drop < settings.dropHeightCm) return null;
    if (inZone(zones, 'drop', bottomCentre(land.box))) return null;
    if (zones.some((z) => z.kind === 'floor') && !inZone(zones, 'floor', bottomCentre(land.box))) return null;
    // who released it: a person standing within reach, or whose image box holds the parcel
    let who: { id: string; box: TrackPoint['box']; dist: number } | undefined;
    for (const p of persons) {
      const ph = personAt(p, rel.frame, 4);
      if (!ph) continue;
      const [fx, fy] = camera.imageToPlane(bottomCentre(ph.box));
      const dist = Math.hypot(fx - pRel[0], fy - pRel[1]);
      const holds = contains(expand(ph.box, 0.15), centre(rel.box));
      if ((dist <= settings.personReachCm || holds) && (!who || dist < who.dist)) who = { id: p.id, box: ph.box, dist };
    }
    if (!who) return null;
    const hSpeed = Math.hypot(f.fit.v0[0], f.fit.v0[1]);
    const confidence = sigmoid((drop - settings.dropHeightCm) / 12) * (1 - 0.4 * Math.min(1, f.fit.rmsPx / f.tol));
    return {
      kind: hSpeed >= settings.throwMinSpeedCmS ? 'throw' : 'drop',
      confidence: Math.round(confidence * 1000) / 1000,
      frame: rel.frame,
      t: rel.t,
      startFrame: rel.frame,
      endFrame: land.frame,
      parcelTrackId: parcel.id,
      personTrackId: who.id,
      dropHeightCm: Math.round(drop),
      speedCmS: Math.round(hSpeed),
      parcelBox: rel.box,
      personBox: who.box,
    };
  }
}
