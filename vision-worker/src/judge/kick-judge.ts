import { centre, type Track, type TrackPoint } from '../track/tracker';
import { bottomCentre, contains, expand, imageSpeeds, inZone, personAt, rejected, sigmoid, stillThreshold, type JudgeContext, type Judgement } from './judgement';

/**
 * The kick judge's thresholds that are not the rule's own (speed and distance are in the floor's settings):
 * chosen on the validation sets (`src/eval/tune.main.ts`), never on the held-out set.
 */
export interface KickTuning {
  /** Observations a parcel must lie still before a kick. */
  preStill: number;
  /** How far a resting parcel's box centre may wander (detector jitter, partial occlusion), as a share of its box diagonal (at least 3 px). */
  restRadiusFrac: number;
  /** A resting parcel below this share of a person's box height is at their feet (above it, in the hands). */
  footLevel: number;
  /** Cosine between the first step and the first three steps: a slide keeps its direction. */
  minDirectionCos: number;
}

export const DEFAULT_KICK_TUNING: KickTuning = { preStill: 8, restRadiusFrac: 0.12, footLevel: 0.5, minDirectionCos: 0.5 };

const MAX_SLIDE_S = 2.5;
/** Faster than any foot: a track that jumped between parcels. */
const MAX_KICK_SPEED = 1000;

/**
 * Rule S2. A kick is a parcel resting on the floor that a foot reaches and that then shoots along the floor:
 * impulsive (fast within a few frames of the contact), travelling, and leaving the person (a parcel that
 * stays in a person's box is being picked up or carried, not kicked). Speeds and distances are measured on
 * the floor plane through the calibration, so they are centimetres whatever the camera's distance.
 */
export class KickJudge {
  private consumed = new Map<string, number>();
  private readonly tune: KickTuning;

  constructor(private readonly ctx: JudgeContext) {
    this.tune = { ...DEFAULT_KICK_TUNING, ...ctx.tuning?.kick };
  }

  private restRadius(b: TrackPoint['box']): number {
    return Math.max(3, this.tune.restRadiusFrac * Math.hypot(b[2] - b[0], b[3] - b[1]));
  }

  judge(parcel: Track, persons: readonly Track[], ended: boolean): Judgement | null {
    const from = this.consumed.get(parcel.id) ?? -1;
    const obs = parcel.history.filter((h) => h.frame > from);
    const { preStill } = this.tune;
    if (obs.length < preStill + 3) return null;
    const speeds = imageSpeeds(obs);
    // still: slow per frame, and (across a gap, when a person hid the parcel) not displaced either: a parcel
    // that reappears a box-width away after being hidden was moved while out of sight
    const still = speeds.map((s, i) => i > 0 && s < stillThreshold(obs[i].box) && s * (obs[i].frame - obs[i - 1].frame) < 2 * stillThreshold(obs[i].box));
    // onset: the first observation to leave the spot where the parcel lay for more than `preStill` observations.
    // The spot is a small radius around where the rest began, not frame-to-frame stillness: a detector's box
    // flickering on a resting parcel that a person is stepping in front of is still rest.
    let onset = -1;
    let anchor = 0;
    for (let i = 1; i < obs.length; i++) {
      const [ax, ay] = centre(obs[anchor].box);
      const [x, y] = centre(obs[i].box);
      if (Math.hypot(x - ax, y - ay) <= this.restRadius(obs[anchor].box)) continue;
      if (i - anchor > preStill) {
        onset = i;
        break;
      }
      anchor = i;
    }
    if (onset < 0) {
      if (obs.length > 12) this.consumed.set(parcel.id, obs[obs.length - preStill - 2].frame);
      return null;
    }
    const n = obs.length;
    const settled = n - onset >= 4 && still[n - 1] && still[n - 2] && still[n - 3];
    const timedOut = obs[n - 1].t - obs[onset].t > MAX_SLIDE_S;
    if (!settled && !ended && !timedOut) return null;
    const j = this.verdict(parcel, obs, onset, persons);
    // a kick is done with; a start that was no kick (a flicker, a nudge) leaves the rest after it to be judged
    this.consumed.set(parcel.id, j ? obs[n - 4].frame : obs[onset - 1].frame);
    return j;
  }

  forget(trackId: string) {
    this.consumed.delete(trackId);
  }

  /** Another judgement explained this track up to `frame` (a throw): nothing before it is a kick. */
  consumeUntil(trackId: string, frame: number) {
    this.consumed.set(trackId, Math.max(frame, this.consumed.get(trackId) ?? -1));
  }

  private verdict(parcel: Track, obs: readonly TrackPoint[], onset: number, persons: readonly Track[]): Judgement | null {
    const { camera, settings, zones } = this.ctx;
    const rest = obs[onset - 1];
    const no = (reason: string) => rejected(this.ctx, 'kick', parcel, obs, `${reason} (rest until frame ${rest.frame}, moving from ${obs[onset].frame})`);
    if (inZone(zones, 'conveyor', bottomCentre(rest.box))) return no('it lay on a conveyor');
    const floor = obs.map((o) => camera.imageToPlane(bottomCentre(o.box)));
    let peak = 0;
    for (let i = onset; i < Math.min(obs.length, onset + 4); i++) {
      const dt = obs[i].t - obs[i - 1].t;
      if (dt <= 0) continue;
      peak = Math.max(peak, Math.hypot(floor[i][0] - floor[i - 1][0], floor[i][1] - floor[i - 1][1]) / dt);
    }
    let end = obs.length - 1;
    const disp = Math.hypot(floor[end][0] - floor[onset - 1][0], floor[end][1] - floor[onset - 1][1]);
    if (peak < settings.kickMinSpeedCmS || peak > MAX_KICK_SPEED || disp < settings.kickMinDisplacementCm) {
      return no(`${Math.round(peak)} cm/s at the start and ${Math.round(disp)} cm in all (a kick: ${settings.kickMinSpeedCmS}-${MAX_KICK_SPEED} cm/s, ${settings.kickMinDisplacementCm} cm)`);
    }
    // a slide, not a jump: several moving observations in a consistent direction (a track that jumped to
    // another parcel moves once and stops)
    const moving = obs.slice(onset, onset + 4).filter((o, k) => imageSpeeds([obs[onset + k - 1], o])[1] >= stillThreshold(o.box)).length;
    if (moving < 3 || onset + 3 >= obs.length) return no(`moving in ${moving} of the 4 boxes after the start (a slide: 3)`);
    const d1 = [floor[onset][0] - floor[onset - 1][0], floor[onset][1] - floor[onset - 1][1]];
    const d3 = [floor[onset + 3][0] - floor[onset - 1][0], floor[onset + 3][1] - floor[onset - 1][1]];
    const cos = (d1[0] * d3[0] + d1[1] * d3[1]) / (Math.hypot(d1[0], d1[1]) * Math.hypot(d3[0], d3[1]) + 1e-9);
    if (cos < this.tune.minDirectionCos) return no(`the first step is off the slide's direction (cos ${cos.toFixed(2)})`);
    // the foot: the bottom of a person's box, on the floor, next to the resting parcel at the contact
    let who: { track: Track; box: TrackPoint['box']; dist: number } | undefined;
    for (const p of persons) {
      const ph = personAt(p, obs[onset].frame, 3);
      if (!ph) continue;
      const [fx, fy] = camera.imageToPlane(bottomCentre(ph.box));
      const dist = Math.hypot(fx - floor[onset - 1][0], fy - floor[onset - 1][1]);
      // at the feet, not in the hands: a parcel held still and then thrown also "starts moving next to a person"
      const ph0 = personAt(p, rest.frame, 3) ?? ph;
      const footLevel = centre(rest.box)[1] >= ph0.box[1] + this.tune.footLevel * (ph0.box[3] - ph0.box[1]);
      if (dist <= settings.footReachCm && footLevel && (!who || dist < who.dist)) who = { track: p, box: ph.box, dist };
    }
    if (!who) return no('no person with their feet next to the parcel');
    // the parcel must leave the person; carried parcels stay inside their box
    let separated = false;
    for (let i = onset; i < obs.length && !separated; i++) {
      const ph = personAt(who.track, obs[i].frame, 2);
      if (!ph || !contains(expand(ph.box, 0.05), centre(obs[i].box))) separated = true;
    }
    if (!separated) return no(`it stayed in the box of ${who.track.id} (carried)`);
    while (end > onset && obs[end].t - obs[onset].t > MAX_SLIDE_S) end--;
    const confidence = sigmoid((peak - settings.kickMinSpeedCmS) / 40) * (1 - 0.3 * (who.dist / settings.footReachCm));
    return {
      kind: 'kick',
      confidence: Math.round(confidence * 1000) / 1000,
      frame: obs[onset].frame,
      t: obs[onset].t,
      startFrame: rest.frame,
      endFrame: obs[end].frame,
      parcelTrackId: parcel.id,
      personTrackId: who.track.id,
      speedCmS: Math.round(peak),
      parcelBox: obs[onset].box,
      personBox: who.box,
    };
  }
}
