import { fitBallistic, fitLandedFall, GRAVITY_CM_S2, type BallisticFit, type FitPrior, type Vec3 } from '../calibration/calibration';
import { centre, diag, startsInHistory, type Track, type TrackPoint } from '../track/tracker';
import { bottomCentre, contains, distanceToBox, expand, imageSpeeds, inZone, personAt, rejected, sigmoid, stillThreshold, type JudgeContext, type Judgement } from './judgement';
import { GeoCode, heightAbove, motionFeatures, type GeoResult, type Motion } from './motion-features';

const MIN_POINTS = 6;
const MIN_SPAN_S = 0.2;
const MAX_WINDOW = 45;
/** Centre height of a parcel lying on the floor, for a fall whose landing left the view. */
const RESTING_CENTRE_CM = 15;
const PIXEL_SIGMA = 2;
/** Fitted landing vs where the parcel rests (it slides a little after landing). */
const LANDING_TOLERANCE_CM = 60;
const LANDED_CENTRE_MAX_CM = 45;
/** Centre height of a parcel that has just landed (parcels are ~10–35 cm tall). */
const LANDED_CENTRE_CM = 12;
const LANDED_MIN_POINTS = 4;
/** Longer than any fall that stays within the fit's height bounds (-30…300 cm: at most 1.6 s). */
const MAX_FALL_S = 2;

/**
 * The throw judge's thresholds that are not physics: tolerances for box noise and the shares that tell a fall
 * from a carry. They are chosen on the validation sets (`src/eval/tune.main.ts`), never on the held-out set.
 */
export interface ThrowTuning {
  /** Horizontal uncertainty of "the parcel is at the thrower's position at the release" (hands reach ~0.7 m). */
  anchorSigmaCm: number;
  /** A fall is not hurled at the floor faster than this (cm/s downward at the release). */
  maxDownwardRelease: number;
  /** Landed fits: rms within max(landedTolPx, landedTolFrac × box diagonal, landedTolJitter × rest jitter). */
  landedTolPx: number;
  landedTolFrac: number;
  /** Times the jitter of the track's boxes at rest (lower quartile of their steps) that a fitted fall may miss its boxes by. */
  landedTolJitter: number;
  /** The hands are in the upper part of a person's box: a release point below this share of it is at the feet. */
  handLevelMax: number;
  /** Observations before the end of the motion where the landing is looked for (a slide lasts up to ~0.4 s). */
  landingSearch: number;
  /** Seen motion over the last two intervals before the landing, as a share of the fitted fall's. */
  landingSpeedShare: number;
  /** A later landing is preferred while its fit is within this factor of the best one's (a share of the track's own noise). */
  landingSlack: number;
  /** The release: the earliest start whose fit is within this factor (+0.2 px) of the best later start's. */
  releaseSlack: number;
  /** Falls whose landing is not seen: rms within max(flightTolPx, flightTolFrac × box diagonal). */
  flightTolPx: number;
  flightTolFrac: number;
  /**
   * A fall accelerates: the seen motion over the last two intervals before the landing must be at least this
   * share of the motion over the two before them (a hand lowering a parcel slows it down; 0 turns it off).
   */
  landingAccelShare: number;
  /** 1: boxes cut by the image edge (within 2 px) are left out of the fits: their centre moves with the cut, not the parcel. */
  ignoreEdgeBoxes: number;
  /**
   * Fastest downward speed (cm/s) at the start of a fall whose track begins there: a parcel not detected in the
   * hands is first seen already falling. Such a fall is judged from its apex, extrapolated along the fitted
   * trajectory (0: such a start is held to maxDownwardRelease like any other).
   */
  midAirStartMax: number;
}

export const DEFAULT_THROW_TUNING: ThrowTuning = {
  anchorSigmaCm: 50,
  maxDownwardRelease: 150,
  landedTolPx: 3,
  landedTolFrac: 0.04,
  landedTolJitter: 2.5,
  handLevelMax: 0.6,
  landingSearch: 14,
  landingSpeedShare: 0.5,
  landingSlack: 1.3,
  releaseSlack: 1.5,
  flightTolPx: 1.5,
  flightTolFrac: 0.035,
  landingAccelShare: 0,
  ignoreEdgeBoxes: 0,
  midAirStartMax: 600,
};

const EDGE_PX = 2;

/** The mean box diagonal of observations s..e: fit tolerances scale with the parcel's image size. */
const meanDiagonal = (obs: readonly TrackPoint[], s: number, e: number) => obs.slice(s, e + 1).reduce((acc, o) => acc + diag(o.box), 0) / (e - s + 1);

interface Candidate {
  id: string;
  box: TrackPoint['box'];
  feet: [number, number];
}

/** What the verdict needs of a fitted fall: position over time, the velocity at the release, the fit error. */
interface FallFit {
  at(t: number): Vec3;
  v0: Vec3;
  rmsPx: number;
}

/** Why the geometry found no throw, how far it got, and the fall it fitted if it got that far. */
interface Rejection {
  code: GeoCode;
  reason: string;
  flight?: Flight;
}

const isRejection = (x: Flight | Rejection | Judgement): x is Rejection => 'code' in x;

interface Flight {
  s: number;
  e: number;
  fit: FallFit;
  tol: number;
  /** False when the track ended in the air (thrown out of view, lost): the landing was not seen. */
  landed: boolean;
  /** The person the fit was anchored to (or found within reach of the release). */
  who?: Candidate;
  anchored: boolean;
  /** Seconds before the first observation at which the fitted fall had its apex (0: the fall starts at it). */
  apexDt: number;
}

/**
 * Rule S1. A throw is a parcel leaving a person's hands and falling more than the threshold. The flight is
 * the longest stretch of the parcel's track that a free-fall trajectory explains through the calibrated
 * camera (gravity gives the metric scale, so the release height comes out in centimetres); its first point is
 * the release. Gravity alone pins the depth poorly on short flights, so the fit is also anchored softly at the
 * release to the position of a person within reach (their feet, through the floor homography), and, when the
 * landing is seen, checked against where the parcel comes to rest. A fall with nobody within reach at the
 * release (a parcel sliding off a conveyor) is not a person's throw.
 */
export class ThrowJudge {
  private consumed = new Map<string, number>();
  private readonly tune: ThrowTuning;

  constructor(private readonly ctx: JudgeContext) {
    this.tune = { ...DEFAULT_THROW_TUNING, ...ctx.tuning?.throw };
  }

  /** Looks at a parcel track once it has come to rest again (or ended); returns a violation if it was thrown. */
  judge(parcel: Track, persons: readonly Track[], ended: boolean): Judgement | null {
    const from = this.consumed.get(parcel.id) ?? -1;
    const { width, height } = this.ctx.camera.input;
    const cut = (b: TrackPoint['box']) => b[0] <= EDGE_PX || b[1] <= EDGE_PX || b[2] >= width - EDGE_PX || b[3] >= height - EDGE_PX;
    const obs = parcel.history.filter((h) => h.frame > from && !(this.tune.ignoreEdgeBoxes && cut(h.box)));
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
    const landed = settled || still[n - 1];
    const trackStart = obs[0] === parcel.history[0] && startsInHistory(parcel);
    // a seen landing fixes the end of the fall; a track that ended in the air is anchored at the thrower
    const flight = landed
      ? this.findLandedFlight(obs, still, persons, trackStart)
      : (this.findFlight(obs, still, landed, persons) ?? { code: GeoCode.NoFall, reason: 'no stretch of the track fits a fall (it ended in the air)' });
    const geo = isRejection(flight) ? flight : this.verdict(parcel, obs, flight);
    const { model, onMotion } = this.ctx;
    if (!model && !onMotion) return isRejection(geo) ? rejected(this.ctx, 'throw', parcel, obs, geo.reason) : geo;
    const [a, b] = this.movingRun(still);
    return this.classify(parcel, { obs, a, b, trackStart, ended: !landed }, persons, geo, isRejection(flight) ? flight.flight : flight);
  }

  /**
   * The learned second opinion (when the worker has a motion model): the geometry's findings and the motion's
   * depth-free shape (image accelerations scaled by the person, heights read above their feet and above where
   * the parcel came to rest) go to a classifier trained on the synthetic clips' labels. It decides; the
   * geometry supplies the release, the landing and the drop when it measured them.
   */
  private classify(parcel: Track, m: Motion, persons: readonly Track[], geo: Judgement | Rejection, flight: Flight | undefined): Judgement | null {
    const { camera, settings, model, onMotion } = this.ctx;
    const { obs, a, b } = m;
    const measured = flight ? this.dropOf(obs, flight) : undefined;
    const g: GeoResult = {
      code: isRejection(geo) ? geo.code : GeoCode.Throw,
      dropCm: measured?.drop,
      rmsShare: flight && flight.fit.rmsPx / flight.tol,
      apex: !!flight && flight.apexDt > 0,
    };
    const x = motionFeatures(camera, m, persons, g);
    const startFrame = isRejection(geo) ? (flight ? obs[flight.s].frame : obs[a].frame) : geo.startFrame;
    const endFrame = Math.max(obs[b].frame, isRejection(geo) ? 0 : geo.endFrame);
    onMotion?.({ trackId: parcel.id, startFrame, endFrame, features: x, geometric: !isRejection(geo), path: obs.map((o) => [o.frame, ...centre(o.box)]) });
    if (!model) return isRejection(geo) ? rejected(this.ctx, 'throw', parcel, obs, geo.reason) : geo;
    const p = model.probability(x);
    const geoWhy = isRejection(geo) ? geo.reason : 'a throw';
    if (p < model.threshold) return rejected(this.ctx, 'throw', parcel, obs, `the motion model gives ${p.toFixed(2)}, under ${model.threshold} (the geometry: ${geoWhy})`);
    if (!isRejection(geo)) return { ...geo, confidence: Math.round(p * 1000) / 1000, endFrame };
    // the release: the fitted one, else the highest point of the motion; the drop: the fitted one, else the
    // release's height above where the parcel came to rest
    let r = a;
    for (let i = a; i <= b; i++) if (centre(obs[i].box)[1] < centre(obs[r].box)[1]) r = i;
    const rel = flight ? obs[flight.s] : obs[r];
    const restAt = camera.imageToPlane(bottomCentre(obs[b].box));
    const drop = measured?.drop ?? heightAbove(camera, restAt[0], restAt[1], centre(rel.box)[1]) - RESTING_CENTRE_CM;
    if (!(drop >= settings.dropHeightCm)) return rejected(this.ctx, 'throw', parcel, obs, `the motion model gives ${p.toFixed(2)}, but the fall measures ${Math.round(drop)} cm (the geometry: ${geoWhy})`);
    const who = flight?.who ?? this.nearest(rel, persons);
    if (!who) return rejected(this.ctx, 'throw', parcel, obs, `the motion model gives ${p.toFixed(2)}, but nobody is near the release (the geometry: ${geoWhy})`);
    return this.judgement(parcel, rel, endFrame, who, drop, flight ? Math.hypot(flight.fit.v0[0], flight.fit.v0[1]) : 0, p);
  }

  /** The S1 violation: a throw when released with horizontal speed, else a drop. */
  private judgement(parcel: Track, rel: TrackPoint, endFrame: number, who: Candidate, drop: number, hSpeed: number, confidence: number): Judgement {
    return {
      kind: hSpeed >= this.ctx.settings.throwMinSpeedCmS ? 'throw' : 'drop',
      confidence: Math.round(confidence * 1000) / 1000,
      frame: rel.frame,
      t: rel.t,
      startFrame: rel.frame,
      endFrame,
      parcelTrackId: parcel.id,
      personTrackId: who.id,
      dropHeightCm: Math.round(drop),
      speedCmS: Math.round(hSpeed),
      parcelBox: rel.box,
      personBox: who.box,
    };
  }

  /** The person whose box is nearest the parcel at an observation (within 4 frames). */
  private nearest(o: TrackPoint, persons: readonly Track[]): Candidate | undefined {
    const c = centre(o.box);
    return this.candidates(o.frame, persons).sort((x, y) => distanceToBox(x.box, c) - distanceToBox(y.box, c))[0];
  }

  /** The release's time and the drop to the landing (or to a resting parcel's centre when it was not seen). */
  private dropOf(obs: readonly TrackPoint[], f: Flight): { tRel: number; drop: number } {
    const tRel = obs[f.s].t - f.apexDt;
    const pRel = f.fit.at(tRel);
    const pLand = f.fit.at(obs[f.e].t);
    return { tRel, drop: pRel[2] - (f.landed ? Math.max(0, Math.min(pLand[2], RESTING_CENTRE_CM)) : RESTING_CENTRE_CM) };
  }

  forget(trackId: string) {
    this.consumed.delete(trackId);
  }

  consumeUntil(trackId: string, frame: number) {
    this.consumed.set(trackId, Math.max(frame, this.consumed.get(trackId) ?? -1));
  }

  private candidates(frame: number, persons: readonly Track[]): Candidate[] {
    const out: Candidate[] = [];
    for (const p of persons) {
      const ph = personAt(p, frame, 4);
      if (ph) out.push({ id: p.id, box: ph.box, feet: this.ctx.camera.imageToPlane(bottomCentre(ph.box)) });
    }
    return out;
  }

  /** The moving run of a track: from the last still point before the first motion to the first still point after it. */
  private movingRun(still: readonly boolean[]): [number, number] {
    const a = Math.max(0, still.findIndex((s, i) => i > 0 && !s) - 1);
    let b = still.length - 1;
    while (b > a && still[b] && still[b - 1]) b--;
    return [a, Math.min(still.length - 1, b + 1)];
  }

  /**
   * A release is from the hands: the parcel is above the person's knees when it starts to fall (a parcel at
   * their feet is kicked, nudged or picked up; one lowered to the floor and let go falls only a little).
   */
  private releasedByHand(top: number, who: Candidate): boolean {
    return top < who.box[1] + this.tune.handLevelMax * (who.box[3] - who.box[1]);
  }

  /**
   * A fall whose landing was seen: where the parcel hit the floor fixes the end of the trajectory (through the
   * floor homography) and only the velocity is fitted, which holds the depth that gravity alone pins poorly
   * on a short track of noisy boxes. The landing is searched in the last stretch of the motion (its time
   * between an observation and the one before); the release is the earliest start from which the fall fits
   * within what this track's boxes jitter where the parcel lies still. A parcel lowered by hand and let go
   * near the floor does not fit: it slows down before the landing, where a fall is at its fastest. Without a
   * fall, it returns why (for the trace).
   */
  private findLandedFlight(obs: readonly TrackPoint[], still: readonly boolean[], persons: readonly Track[], trackStart: boolean): Flight | Rejection {
    const { camera, settings } = this.ctx;
    const n = obs.length;
    const [a, b] = this.movingRun(still);
    const kMax = Math.min(n - 1, b + 1);
    const pts = obs.map((o) => {
      const [u, v] = centre(o.box);
      return { t: o.t, u, v };
    });
    const step = (i: number) => (i <= 0 || i >= n ? 0 : Math.hypot(pts[i].u - pts[i - 1].u, pts[i].v - pts[i - 1].v) / Math.max(1, obs[i].frame - obs[i - 1].frame));
    const restSteps = obs.map((_, i) => i).filter((i) => i > 0 && still[i] && (i <= a || i > b)).map(step).sort((x, y) => x - y);
    // a lower quartile: slow motion (a belt, a carry) also counts as still, and is not jitter
    const jitter = restSteps.length ? restSteps[Math.floor(restSteps.length / 4)] : 1;
    // the landing: in the last stretch of the motion (the judge runs when the parcel settles, and a slide
    // after the landing is short); which observation it is, the fits below decide
    const kFrom = Math.max(a + LANDED_MIN_POINTS - 1, b - this.tune.landingSearch);
    if (kFrom > kMax) return { code: GeoCode.TooShort, reason: 'the motion is too short for a fall' };
    type Cand = { fit: FallFit; e: number; tol: number; rms: number; tLand: number };
    // every (start, landing) fit, once per start: the release search below asks again for the same landing
    const memo = new Map<number, Cand[]>();
    const fitFrom = (s: number, onlyLanding?: number): Cand | null => {
      let all = memo.get(s);
      if (!all) {
        all = candsFrom(s);
        memo.set(s, all);
      }
      const cands = onlyLanding === undefined ? all : all.filter((c) => Math.abs(c.tLand - onlyLanding) <= 1e-9);
      if (!cands.length) return null;
      // the latest landing among those that fit about as well as the best: one taken too early (a point still
      // in the air) can fit a short window as well, one taken too late puts points already sliding on the
      // floor into the fall, which fits worse
      const least = Math.min(...cands.map((c) => c.rms));
      return cands.filter((c) => c.rms <= this.tune.landingSlack * least).sort((x, y) => y.tLand - x.tLand)[0];
    };
    const candsFrom = (s: number): Cand[] => {
      const cands: Cand[] = [];
      for (let k = Math.max(s + 1, kFrom); k <= kMax; k++) {
        const [lx, ly] = camera.imageToPlane([pts[k].u, pts[k].v], LANDED_CENTRE_CM);
        const landing: Vec3 = [lx, ly, LANDED_CENTRE_CM];
        for (const frac of [0, 0.25, 0.5, 0.75]) {
          const tLand = obs[k].t - frac * (obs[k].t - obs[k - 1].t);
          // the observation at k is already on the floor unless the landing is exactly there
          const e = frac === 0 ? k : k - 1;
          if (e - s + 1 < LANDED_MIN_POINTS) continue;
          // a fall whose points all stay between -30 and 300 cm (checked below) lasts at most 1.6 s: a longer
          // window (a carry before the release) cannot pass, so it is not fitted
          if (tLand - pts[s].t > MAX_FALL_S) continue;
          const win = pts.slice(s, e + 1);
          const fit = fitLandedFall(camera, win, landing, tLand);
          if (!fit) continue;
          // one box far off (a hand over the parcel, a blurred frame) is forgiven on a long enough window
          const r = [...fit.residualsPx].sort((x, y) => x - y);
          if (r.length >= 6) r.pop();
          const rms = Math.sqrt(r.reduce((acc, x) => acc + x * x, 0) / r.length);
          const meanDiag = meanDiagonal(obs, s, e);
          const tol = Math.max(this.tune.landedTolPx, this.tune.landedTolFrac * meanDiag, this.tune.landedTolJitter * jitter);
          if (rms > tol) continue;
          const v0: Vec3 = [fit.vLand[0], fit.vLand[1], fit.vLand[2] - GRAVITY_CM_S2 * (win[0].t - tLand)];
          const zs = win.map((w) => fit.at(w.t)[2]);
          // a track that begins in the air (the parcel was not detected in the hands) may start fast downward
          const downMax = s === 0 && trackStart ? Math.max(this.tune.maxDownwardRelease, this.tune.midAirStartMax) : this.tune.maxDownwardRelease;
          if (Math.min(...zs) < -30 || Math.max(...zs) > 300 || Math.hypot(...v0) > 1200 || v0[2] < -downMax) continue;
          // a fall ends at its fastest: the boxes must still be moving as fast as the fitted fall just before the
          // landing (a parcel lowered by hand slows down to nothing before it is let go)
          if (e - s >= 2) {
            const [u0, v0i] = camera.project(fit.at(win[win.length - 3].t));
            const [u1, v1i] = camera.project(fit.at(win[win.length - 1].t));
            const model = Math.hypot(u1 - u0, v1i - v0i);
            const seen = Math.hypot(win[win.length - 1].u - win[win.length - 3].u, win[win.length - 1].v - win[win.length - 3].v);
            if (seen < this.tune.landingSpeedShare * model) continue;
          }
          if (this.tune.landingAccelShare > 0 && e - s >= 4) {
            const L = win.length - 1;
            const dist = (i: number, j: number) => Math.hypot(win[i].u - win[j].u, win[i].v - win[j].v);
            if (dist(L, L - 2) < this.tune.landingAccelShare * dist(L - 2, L - 4)) continue;
          }
          cands.push({ fit: { at: fit.at, v0, rmsPx: rms }, e: k, tol, rms, tLand });
        }
      }
      return cands;
    };
    // with the landing free, a start in the carry can find some early "landing" that its short window fits;
    // the fall is the longest window that fits (release to landing), whatever its start
    let longest: { s: number; c: Cand } | null = null;
    for (let s = a; s <= kMax - LANDED_MIN_POINTS + 1; s++) {
      const c = fitFrom(s);
      if (c && (!longest || c.tLand - pts[s].t > longest.c.tLand - pts[longest.s].t + 1e-6)) longest = { s, c };
    }
    if (!longest) return { code: GeoCode.NoFall, reason: `no window fits a fall landing in frames ${obs[kFrom].frame}-${obs[kMax].frame}` };
    const landingAt = longest.c.tLand;
    const sameLanding = (s: number) => fitFrom(s, landingAt);
    // frames per second from the track itself (frame indices and times come from the source)
    const fps = (obs[n - 1].frame - obs[0].frame) / Math.max(1e-9, obs[n - 1].t - obs[0].t);
    const holderAt = (s: number, fit: FallFit, dt = 0): Candidate | undefined => {
      const p = fit.at(obs[s].t - dt);
      const [pu, pv] = dt > 0 ? camera.project(p) : [pts[s].u, pts[s].v];
      const reach = (c: Candidate) => Math.hypot(p[0] - c.feet[0], p[1] - c.feet[1]);
      return this.candidates(obs[s].frame - Math.round(dt * fps), persons)
        .filter((c) => reach(c) <= settings.personReachCm || contains(expand(c.box, 0.15), [pu, pv]))
        .sort((x, y) => reach(x) - reach(y))[0];
    };
    // the longest window may still start in the carry: the release is the earliest start whose fit is about as
    // good as that of the fall's own later part (carry points before it make the fit worse)
    const tail: { s: number; c: Cand }[] = [];
    for (let s = longest.s; s <= kMax - LANDED_MIN_POINTS - 1; s++) {
      const c = s === longest.s ? longest.c : sameLanding(s);
      if (c && c.e - s >= LANDED_MIN_POINTS + 1) tail.push({ s, c });
    }
    const floorRms = tail.length ? Math.min(...tail.map((x) => x.c.rms)) : longest.c.rms;
    const chosen = tail.find((x) => x.c.rms <= this.tune.releaseSlack * floorRms + 0.2) ?? longest;
    const start = chosen.s;
    const found = chosen.c;
    // first seen falling fast: the fall began at the apex of the fitted trajectory, before the track did
    const vz = found.fit.v0[2];
    const apexDt = start === 0 && trackStart && vz < -this.tune.maxDownwardRelease ? -vz / GRAVITY_CM_S2 : 0;
    const who = holderAt(start, found.fit, apexDt);
    const fitted: Flight = { s: start, e: found.e, fit: found.fit, tol: found.tol, landed: true, who, anchored: false, apexDt };
    if (!who) return { code: GeoCode.Nobody, reason: `nobody within reach of the release at frame ${obs[start].frame}`, flight: fitted };
    // the release's image height: the apex where it was not seen; else the highest of the last few points (the
    // fitted start can lag the release by a frame or two)
    const top = apexDt > 0 ? camera.project(found.fit.at(obs[start].t - apexDt))[1] : Math.min(...pts.slice(Math.max(0, start - 2), start + 1).map((p) => p.v));
    if (!this.releasedByHand(top, who)) return { code: GeoCode.BelowHands, reason: `the release at frame ${obs[start].frame} is below hand level of ${who.id}`, flight: fitted };
    return fitted;
  }

  private findFlight(obs: readonly TrackPoint[], still: readonly boolean[], landed: boolean, persons: readonly Track[]): Flight | null {
    const { camera, settings } = this.ctx;
    const [a, b] = this.movingRun(still);
    const pts = obs.map((o) => {
      const [u, v] = centre(o.box);
      return { t: o.t, u, v };
    });
    const rest = landed ? obs[obs.length - 1] : null;
    const attempt = (s: number, e: number, who?: Candidate, people: Candidate[] = []): Flight | null => {
      const win = pts.slice(s, e + 1);
      const meanDiag = meanDiagonal(obs, s, e);
      const tol = Math.max(this.tune.flightTolPx, this.tune.flightTolFrac * meanDiag);
      // gravity alone pins the depth poorly on a short, noisy track: when the landing is not seen, anchor it
      // softly at the release to the thrower's feet (a seen landing is checked against the rest position instead)
      let prior: FitPrior | undefined;
      const depthTo = (x: number, y: number) => Math.hypot(camera.center[0] - x, camera.center[1] - y, camera.center[2]);
      if (who) {
        prior = { t: win[0].t, x: who.feet[0], y: who.feet[1], weight: (depthTo(who.feet[0], who.feet[1]) * PIXEL_SIGMA) / this.tune.anchorSigmaCm };
      }
      const fit = fitBallistic(camera, win, undefined, prior);
      if (!fit || fit.rmsPx > tol || !this.plausible(fit, win, rest)) return null;
      const p = fit.at(win[0].t);
      const reach = (c: Candidate) => Math.hypot(p[0] - c.feet[0], p[1] - c.feet[1]);
      if (who) return reach(who) <= settings.personReachCm ? { s, e, fit, tol, landed, who, anchored: true, apexDt: 0 } : null;
      // unanchored (the landing anchors it): whoever is within reach of the release or holds the parcel
      const holder = people
        .filter((c) => reach(c) <= settings.personReachCm || contains(expand(c.box, 0.15), [win[0].u, win[0].v]))
        .sort((x, y) => reach(x) - reach(y))[0];
      return holder ? { s, e, fit, tol, landed, who: holder, anchored: false, apexDt: 0 } : null;
    };
    let best: Flight | null = null;
    for (let s = a; s <= b - MIN_POINTS + 1; s++) {
      const people = this.candidates(obs[s].frame, persons);
      for (let e = Math.min(b, s + MAX_WINDOW); e >= s + MIN_POINTS - 1; e--) {
        if (best && e - s <= best.e - best.s) break;
        if (obs[e].t - obs[s].t < MIN_SPAN_S) break;
        if (still[e] && e > s) continue; // the flight ends in the air; the first still point is the landing, not part of it
        // a seen landing anchors the depth without bias; the thrower's position (biased by the reach of the
        // arms) anchors it only when the parcel left the view or the track was lost in the air
        let found: Flight | null = rest ? attempt(s, e, undefined, people) : null;
        if (!rest) {
          for (const who of people) {
            const f = attempt(s, e, who);
            if (f && (!found || f.fit.rmsPx < found.fit.rmsPx)) found = f;
          }
        }
        if (found) {
          best = found;
          break;
        }
      }
    }
    // the longest window may start a point or two early, in the carry; a release is where the residual drops
    while (best && best.e - (best.s + 1) + 1 >= MIN_POINTS && obs[best.e].t - obs[best.s + 1].t >= MIN_SPAN_S) {
      const next = attempt(best.s + 1, best.e, best.anchored ? best.who : undefined, best.who ? [best.who] : []);
      if (!next || next.fit.rmsPx > 0.5 * best.fit.rmsPx) break;
      best = next;
    }
    return best;
  }

  /**
   * Gravity fixes the scale only up to what noise allows; a physically wrong solution (far behind the scene,
   * absurdly fast) can fit a short track too. A seen landing must agree with where the parcel comes to rest
   * on the floor, through the floor homography, which ties the fitted depth to the calibration.
   */
  private plausible(fit: BallisticFit, win: { t: number }[], rest: TrackPoint | null): boolean {
    const zs = win.map((w) => fit.at(w.t)[2]);
    if (Math.min(...zs) < -30 || Math.max(...zs) > 300) return false;
    if (Math.hypot(...fit.v0) > 1200) return false;
    // released, not hurled at the floor: a fall needs its time (50 cm takes 0.32 s from rest), and a window
    // that starts while the hand is still lowering the parcel would otherwise read as a fast downward throw
    if (fit.v0[2] < -this.tune.maxDownwardRelease) return false;
    if (!rest) return true;
    const land = fit.at(win[win.length - 1].t);
    if (land[2] > LANDED_CENTRE_MAX_CM) return false; // the window must reach the floor: the whole fall is seen
    const [rx, ry] = this.ctx.camera.imageToPlane(bottomCentre(rest.box));
    return Math.hypot(land[0] - rx, land[1] - ry) < LANDING_TOLERANCE_CM;
  }

  private verdict(parcel: Track, obs: readonly TrackPoint[], f: Flight): Judgement | Rejection {
    const { settings, zones } = this.ctx;
    const rel = obs[f.s];
    const land = obs[f.e];
    const { tRel, drop } = this.dropOf(obs, f);
    const no = (code: GeoCode, reason: string): Rejection => ({
      code,
      reason: `${reason} (release at frame ${rel.frame}${f.apexDt > 0 ? ' (apex before it)' : ''}, landing at ${land.frame})`,
      flight: f,
    });
    if (drop < settings.dropHeightCm) return no(GeoCode.UnderThreshold, `a fall of ${Math.round(drop)} cm, under ${settings.dropHeightCm}`);
    // a fall past the threshold takes at least the free-fall time of the threshold height (0.32 s for 50 cm):
    // a shorter window is a few jittery boxes that a steep, wrong-depth trajectory happens to fit
    if (land.t - tRel < Math.sqrt((2 * settings.dropHeightCm) / GRAVITY_CM_S2)) return no(GeoCode.ShortFall, `a fall of ${Math.round(drop)} cm seen for less than its free-fall time`);
    if (inZone(zones, 'drop', bottomCentre(land.box))) return no(GeoCode.Zone, 'landed in a drop zone');
    if (zones.some((z) => z.kind === 'floor') && !inZone(zones, 'floor', bottomCentre(land.box))) return no(GeoCode.Zone, 'landed outside the floor zones');
    // who released it: the anchor of the fit, or (unanchored fit with a seen landing) a person within reach
    const who = f.who;
    if (!who) return no(GeoCode.Nobody, 'nobody released it');
    const confidence = sigmoid((drop - settings.dropHeightCm) / 12) * (1 - 0.4 * Math.min(1, f.fit.rmsPx / f.tol)) * (f.landed ? 1 : 0.85);
    return this.judgement(parcel, rel, land.frame, who, drop, Math.hypot(f.fit.v0[0], f.fit.v0[1]), confidence);
  }
}
