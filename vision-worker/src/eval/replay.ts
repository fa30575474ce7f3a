import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CameraModel } from '../calibration/calibration';
import type { Frame, FrameDetector } from '../detect/onnx-detector';
import type { Detection } from '../detect/yolo-decode';
import { fitWithin } from '../frames/frame-source';
import { probe, type ProbeResult } from '../frames/ffmpeg-source';
import { DEFAULT_JUDGE, type JudgeContext, type JudgeTuning, type Judgement } from '../judge/judgement';
import { CameraPipeline } from '../pipeline/camera-pipeline';
import { loadDataset, type ClipLabels } from './dataset';
import type { Span } from './scoring';

/**
 * One clip as the judges saw it in an eval run with `--dets-cache`: the frames the motion gate sent to the
 * detector, each with its detections (the detector's or the renderer's). The tracker and the judges do not
 * decide which frames are detected, so a judge-only change replays exactly, without decoding video.
 */
export interface ReplayClip {
  name: string;
  labels: Span[];
  /** Staged acts that are not violations (`labels.json` negatives), for the diagnostics. */
  negatives: NonNullable<ClipLabels['negatives']>;
  camera: CameraModel;
  fps: number;
  /** Processing frame ÷ video pixels (labels' image positions are in video pixels). */
  scale: number;
  frames: [number, Detection[]][];
}

const probed = new Map<string, ProbeResult>();

/** The clips of a dataset with their cached detections (every clip must have a cache file). */
export async function loadReplay(datasetDir: string, cacheDir: string, maxSide = 640): Promise<ReplayClip[]> {
  const out: ReplayClip[] = [];
  for (const clip of loadDataset(datasetDir)) {
    const path = join(cacheDir, `${clip.name}.json`);
    if (!existsSync(path)) throw new Error(`${path}: no cached detections (run eval -- ${datasetDir} --dets-cache ${cacheDir} first)`);
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Detection[]>;
    const frames = Object.entries(raw)
      .map(([k, v]) => [Number(k), v] as [number, Detection[]])
      .sort((a, b) => a[0] - b[0]);
    // one probe per video, however many box sources are loaded for it
    let p = probed.get(clip.video);
    if (!p) probed.set(clip.video, (p = await probe(clip.video)));
    const { scale } = fitWithin(p.width, p.height, maxSide);
    const camera = CameraModel.scaled({ ...clip.camera, width: p.width, height: p.height }, scale);
    out.push({ name: clip.name, labels: clip.labels.events, negatives: clip.labels.negatives ?? [], camera, fps: clip.camera.fps, scale, frames });
  }
  return out;
}

/** Runs the tracker and the judges over a replayed clip, with the judges' thresholds overridden by `tuning`. */
export async function replayClip(
  c: ReplayClip,
  tuning?: JudgeTuning,
  trace?: JudgeContext['trace'],
  learned: Pick<JudgeContext, 'model' | 'onMotion'> = {},
): Promise<Judgement[]> {
  const byIndex = new Map(c.frames);
  const detector: FrameDetector = {
    classNames: ['parcel', 'person'],
    detect: (f: Frame) => Promise.resolve(byIndex.get((f as Frame & { index: number }).index) ?? []),
  };
  const pipeline = new CameraPipeline({
    cameraId: c.name,
    detector,
    camera: c.camera,
    settings: DEFAULT_JUDGE,
    zones: [],
    parcelClass: 'parcel',
    personClass: 'person',
    motion: null,
    ringFrames: 0,
    tuning,
    trace,
    model: learned.model,
    onMotion: learned.onMotion,
  });
  const empty = new Uint8Array(0);
  const out: Judgement[] = [];
  for (const [index] of c.frames) out.push(...(await pipeline.process({ index, t: index / c.fps, data: empty, width: 0, height: 0 })));
  out.push(...pipeline.finish());
  return out;
}
