import type { CameraModel } from '../calibration/calibration';
import { MotionGate, type MotionGateOptions } from '../detect/motion-gate';
import type { Frame, FrameDetector } from '../detect/onnx-detector';
import { KickJudge } from '../judge/kick-judge';
import { bottomCentre, inZone, stillThreshold, type JudgeContext, type JudgeSettings, type JudgeTuning, type Judgement, type Zone } from '../judge/judgement';
import { ThrowJudge } from '../judge/throw-judge';
import type { SourceFrame } from '../frames/frame-source';
import { DEFAULT_TRACKER, Tracker, last, type Track, type TrackerOptions } from '../track/tracker';

export interface PipelineOptions {
  cameraId: string;
  detector: FrameDetector;
  camera: CameraModel;
  settings: JudgeSettings;
  zones: readonly Zone[];
  parcelClass: string;
  personClass: string;
  /** null disables gating (the detector runs on every frame). */
  motion: MotionGateOptions | null;
  /** Frames kept for evidence (snapshots at the release, clips around it). */
  ringFrames: number;
  /** The tracker's settings (the detection score that starts a track: the worker's `model.confThreshold`). */
  tracker?: Partial<TrackerOptions>;
  /** Evaluation tooling only: overrides of the judges' and the tracker's thresholds. */
  tuning?: JudgeTuning;
  /** Evaluation tooling only: why settled parcel motions were not throws or kicks (JudgeContext.trace). */
  trace?: JudgeContext['trace'];
  /** The throw classifier (JudgeContext.model). */
  model?: JudgeContext['model'];
  /** Training tooling only (JudgeContext.onMotion). */
  onMotion?: JudgeContext['onMotion'];
}

export interface PipelineStats {
  frames: number;
  detected: number;
  /** Parcels that became confirmed tracks: the worker's parcel count. */
  parcels: number;
}

/** One camera: motion gate → detector → tracker → throw and kick judgements. */
export class CameraPipeline {
  readonly stats: PipelineStats = { frames: 0, detected: 0, parcels: 0 };
  private readonly tracker: Tracker;
  private readonly gate?: MotionGate;
  private readonly throwJudge: ThrowJudge;
  private readonly kickJudge: KickJudge;
  private readonly parcelId: number;
  private readonly personId: number;
  private recentPersons: Track[] = [];
  private counted = new Set<string>();
  private ring: SourceFrame[] = [];
  private reported: Judgement[] = [];

  constructor(private readonly o: PipelineOptions) {
    this.tracker = new Tracker(`${o.cameraId}:`, { ...DEFAULT_TRACKER, ...o.tracker, ...o.tuning?.tracker });
    const ctx = { camera: o.camera, settings: o.settings, zones: o.zones, tuning: o.tuning, trace: o.trace, model: o.model, onMotion: o.onMotion };
    this.throwJudge = new ThrowJudge(ctx);
    this.kickJudge = new KickJudge(ctx);
    this.parcelId = o.detector.classNames.indexOf(o.parcelClass);
    this.personId = o.detector.classNames.indexOf(o.personClass);
    if (this.parcelId < 0) throw new Error(`the detector has no class "${o.parcelClass}" (it has ${o.detector.classNames.join(', ')})`);
    if (this.personId < 0) throw new Error(`the detector has no class "${o.personClass}" (it has ${o.detector.classNames.join(', ')})`);
    if (o.motion) this.gate = new MotionGate(o.motion, o.zones.filter((z) => z.kind === 'conveyor').map((z) => z.polygon));
  }

  /** The frame with this index, while it is still in the ring. */
  frameAt(index: number): SourceFrame | undefined {
    return this.ring.find((f) => f.index === index);
  }

  framesBetween(from: number, to: number): SourceFrame[] {
    return this.ring.filter((f) => f.index >= from && f.index <= to);
  }

  async process(f: SourceFrame): Promise<Judgement[]> {
    this.stats.frames++;
    this.ring.push(f);
    if (this.ring.length > this.o.ringFrames) this.ring.shift();
    const moving = this.hasMovingTracks();
    const run = !this.gate || this.gate.check(f as Frame) || moving;
    if (!run) return [];
    if (moving) this.gate?.markDetected();
    this.stats.detected++;
    const dets = await this.o.detector.detect(f, this.o.cameraId);
    const ended = this.tracker.update(f.index, f.t, dets);
    return this.judge(f.index, f.t, ended);
  }

  /** End of stream: judge what is still open. */
  finish(): Judgement[] {
    return this.judge(Number.MAX_SAFE_INTEGER, 0, this.tracker.flush());
  }

  private judge(frame: number, _t: number, ended: Track[]): Judgement[] {
    const out: Judgement[] = [];
    const active = this.tracker.active;
    this.recentPersons = [...this.recentPersons.filter((p) => frame - p.lastFrame < 100 && !active.includes(p)), ...ended.filter((t) => t.classId === this.personId)];
    const persons = [...active.filter((t) => t.classId === this.personId && t.confirmed), ...this.recentPersons];
    for (const tr of active) {
      if (tr.classId !== this.parcelId || !tr.confirmed) continue;
      if (!this.counted.has(tr.id)) {
        this.counted.add(tr.id);
        this.stats.parcels++;
      }
      if (tr.lastFrame !== frame) continue;
      const j = this.judgeTrack(tr, persons, false);
      if (j) out.push(j);
    }
    for (const tr of ended) {
      if (tr.classId !== this.parcelId) continue;
      const j = this.judgeTrack(tr, persons, true);
      if (j) out.push(j);
      this.throwJudge.forget(tr.id);
      this.kickJudge.forget(tr.id);
      this.counted.delete(tr.id);
    }
    return out;
  }

  /** One motion is one judgement: a throw's flight is not also judged as a kick, nor a kick's slide as a throw. */
  private judgeTrack(tr: Track, persons: Track[], ended: boolean): Judgement | null {
    const j = this.judgeMotion(tr, persons, ended);
    if (!j) return null;
    // a parcel can be tracked twice (a track lost and found again): the same act seen twice is reported once
    const [cx, cy] = [(j.parcelBox[0] + j.parcelBox[2]) / 2, (j.parcelBox[1] + j.parcelBox[3]) / 2];
    const twin = this.reported.find(
      (r) =>
        (r.kind === 'kick') === (j.kind === 'kick') &&
        r.startFrame <= j.endFrame &&
        j.startFrame <= r.endFrame &&
        (r.personTrackId === j.personTrackId || Math.hypot((r.parcelBox[0] + r.parcelBox[2]) / 2 - cx, (r.parcelBox[1] + r.parcelBox[3]) / 2 - cy) < 80),
    );
    if (twin) return null;
    this.reported = [...this.reported.filter((r) => j.frame - r.endFrame < 150), j];
    return j;
  }

  private judgeMotion(tr: Track, persons: Track[], ended: boolean): Judgement | null {
    const t = this.throwJudge.judge(tr, persons, ended);
    if (t) {
      this.kickJudge.consumeUntil(tr.id, t.endFrame);
      return t;
    }
    const k = this.kickJudge.judge(tr, persons, ended);
    if (k) this.throwJudge.consumeUntil(tr.id, k.endFrame);
    return k;
  }

  private hasMovingTracks(): boolean {
    return this.tracker.active.some((t) => {
      if (!t.confirmed || t.misses > 2) return false;
      const lp = last(t);
      if (Math.hypot(t.vx, t.vy) < stillThreshold(lp.box)) return false;
      return !inZone(this.o.zones, 'conveyor', bottomCentre(lp.box));
    });
  }
}
