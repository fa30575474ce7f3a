import { CameraModel } from '../calibration/calibration';
import type { CameraConfig } from '../config/worker-config';
import { DEFAULT_MOTION } from '../detect/motion-gate';
import type { FrameDetector } from '../detect/onnx-detector';
import { encodeClip, encodeSnapshot } from '../evidence/evidence';
import { FfmpegSource } from '../frames/ffmpeg-source';
import type { FrameSource } from '../frames/frame-source';
import { ImageSequenceSource } from '../frames/image-sequence-source';
import type { Reporter } from '../hub/reporter';
import { DEFAULT_JUDGE, type JudgeSettings, type Judgement } from '../judge/judgement';
import type { MotionClassifier } from '../judge/motion-classifier';
import { CameraPipeline } from '../pipeline/camera-pipeline';
import type { Logger } from './logger';

export interface RunnerOptions {
  camera: CameraConfig;
  settings: Partial<JudgeSettings>;
  detector: FrameDetector;
  /** The throw classifier (none: the geometry alone decides). */
  motionModel?: MotionClassifier;
  reporter: Reporter;
  log: Logger;
  parcelClass: string;
  personClass: string;
  /** The detection score that starts a track (weaker detections only continue one). */
  trackStartScore: number;
  clips: boolean;
  snapshotQuality: number;
  /** Seconds of frames kept for evidence. */
  ringSeconds?: number;
}

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Runs one camera: opens its source, feeds frames through the pipeline, reports violations with evidence.
 * A live source that drops is reopened with backoff; while it is down no heartbeat is sent, which is how
 * the hub's rule S4 sees the blind spot. A file source ends when the file does (or loops).
 */
export class CameraRunner {
  up = false;
  /** Frames processed since the last heartbeat, and when that was. */
  private framesSince = 0;
  private since = Date.now();
  parcelsSince = 0;
  private stopped = false;
  private source?: FrameSource;
  private pendingEvidence: Promise<unknown>[] = [];

  constructor(private readonly o: RunnerOptions) {}

  get id() {
    return this.o.camera.id;
  }

  get floorId() {
    return this.o.camera.floorId;
  }

  /** Measured processing rate since the previous call; resets the window. */
  takeFps(): number {
    const now = Date.now();
    const fps = this.framesSince / Math.max(0.001, (now - this.since) / 1000);
    this.framesSince = 0;
    this.since = now;
    return fps;
  }

  takeParcels(): number {
    const n = this.parcelsSince;
    this.parcelsSince = 0;
    return n;
  }

  stop(): void {
    this.stopped = true;
    this.source?.close();
  }

  /** Runs until stopped (live) or until the file ends (unless it loops). */
  async run(): Promise<void> {
    const cam = this.o.camera;
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.runOnce();
        failures = 0;
        if (cam.source.kind === 'images' || (cam.source.kind === 'file' && !cam.source.loop)) break;
      } catch (e) {
        this.up = false;
        if (this.stopped) break;
        const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)];
        failures++;
        this.o.log.warn('camera source failed; retrying', { cameraId: cam.id, error: (e as Error).message, retryInMs: wait, failures });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
    this.up = false;
    await Promise.allSettled(this.pendingEvidence);
  }

  private async open(): Promise<{ src: FrameSource; scale: number; fullW: number; fullH: number }> {
    const s = this.o.camera.source;
    const maxSide = this.o.camera.maxSide;
    if (s.kind === 'images') {
      const src = await ImageSequenceSource.open(s.dir, s.fps, maxSide);
      return { src, scale: src.scale, fullW: src.fullWidth, fullH: src.fullHeight };
    }
    const src = await FfmpegSource.open({ uri: s.kind === 'file' ? s.path : s.url, maxSide, realtime: s.kind === 'file' ? s.realtime : false });
    return { src, scale: src.scale, fullW: src.width / src.scale, fullH: src.height / src.scale };
  }

  private async runOnce(): Promise<void> {
    const cam = this.o.camera;
    const { src, scale, fullW, fullH } = await this.open();
    this.source = src;
    const calibration = CameraModel.scaled({ ...cam.calibration, width: fullW, height: fullH }, scale);
    const zones = cam.zones.map((z) => ({ kind: z.kind, polygon: z.polygon.map(([x, y]) => [x * scale, y * scale] as const) }));
    const pipeline = new CameraPipeline({
      cameraId: cam.id,
      detector: this.o.detector,
      model: this.o.motionModel,
      camera: calibration,
      settings: { ...DEFAULT_JUDGE, ...this.o.settings },
      zones,
      parcelClass: this.o.parcelClass,
      personClass: this.o.personClass,
      motion: DEFAULT_MOTION,
      ringFrames: Math.round((this.o.ringSeconds ?? 4) * src.fps),
      tracker: { startScore: this.o.trackStartScore },
    });
    const started = Date.now();
    let counted = 0;
    for await (const frame of src.frames()) {
      if (this.stopped) break;
      this.up = true;
      this.framesSince++;
      const js = await pipeline.process(frame);
      for (const j of js) this.report(pipeline, j, started, src.fps);
      if (pipeline.stats.parcels !== counted) {
        this.parcelsSince += pipeline.stats.parcels - counted;
        counted = pipeline.stats.parcels;
      }
    }
    for (const j of pipeline.finish()) this.report(pipeline, j, started, src.fps);
    src.close();
  }

  private report(pipeline: CameraPipeline, j: Judgement, startedMs: number, fps: number) {
    const cam = this.o.camera;
    const frame = pipeline.frameAt(j.frame);
    const clipFrames = this.o.clips ? pipeline.framesBetween(j.startFrame - Math.round(fps), j.endFrame + Math.round(fps / 2)) : [];
    const at = new Date(startedMs + j.t * 1000);
    const label = j.kind === 'kick' ? `kick ${j.speedCmS ?? ''} cm/s` : `${j.kind} ${j.dropHeightCm ?? ''} cm`;
    const task = (async () => {
      if (!frame) {
        this.o.log.warn('violation frame no longer in the ring; no snapshot', { cameraId: cam.id, frame: j.frame });
        return;
      }
      const snapshot = await encodeSnapshot(
        frame,
        [{ box: j.parcelBox, colour: '#ff3030', label }, ...(j.personBox ? [{ box: j.personBox, colour: '#ffa000' }] : [])],
        this.o.snapshotQuality,
      );
      const clip = clipFrames.length >= 5 ? await encodeClip(clipFrames, fps).catch((e: Error) => (this.o.log.warn('clip encoding failed', { error: e.message }), undefined)) : undefined;
      const ev = await this.o.reporter.violation({ cameraId: cam.id, floorId: cam.floorId, at, judgement: j, snapshot, clip });
      this.o.log.info('violation', { cameraId: cam.id, floorId: cam.floorId, kind: j.kind, dropHeightCm: j.dropHeightCm, speedCmS: j.speedCmS, confidence: j.confidence, frame: j.frame, eventId: ev.id });
    })().catch((e: Error) => this.o.log.error('could not report a violation', { cameraId: cam.id, error: e.message }));
    this.pendingEvidence.push(task);
    void task.finally(() => (this.pendingEvidence = this.pendingEvidence.filter((p) => p !== task)));
  }
}
