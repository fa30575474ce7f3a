/**
 * Evaluates the worker on a dataset directory (see dataset.ts) or, without an argument, on the repo's own
 * held-out set (generated first if absent). Prints per-kind precision/recall/F1 and end-to-end frame rates
 * and writes bench/results/vision.json.
 *
 *   npm run -w @kanjian/vision-worker eval -- [dataset-dir] [--model path] [--motion-model path|off] [--out path]
 *   npm run -w @kanjian/vision-worker eval -- <dataset-dir> --gt-boxes   (diagnostic: renderer boxes, no detector)
 *   npm run -w @kanjian/vision-worker eval -- <dataset-dir> --gt-boxes-middle   (the same, boxes from the blur's centre)
 *   npm run -w @kanjian/vision-worker eval -- <dataset-dir> --dets-cache <dir>   (diagnostic: the detector, cached per frame)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CameraModel } from '../calibration/calibration';
import { OnnxDetector } from '../detect/onnx-detector';
import { DEFAULT_MOTION } from '../detect/motion-gate';
import { FfmpegSource } from '../frames/ffmpeg-source';
import { DEFAULT_JUDGE, type Judgement } from '../judge/judgement';
import { MotionClassifier } from '../judge/motion-classifier';
import { CameraPipeline } from '../pipeline/camera-pipeline';
import type { FrameDetector } from '../detect/onnx-detector';
import { CachedDetector } from './cached-detector';
import { GroundTruthDetector, gtBoxesFile } from './gt-detector';
import { loadDataset, type Clip } from './dataset';
import { matchClip, score, spanOf, type ClipMatch, type Span } from './scoring';

const PKG = resolve(__dirname, '../..');
const REPO = resolve(PKG, '..');
const HELDOUT = join(PKG, 'data/heldout');

interface Args {
  dataset?: string;
  model: string;
  /** The throw classifier (default the shipped one), or 'off': the geometric judge alone. */
  motionModel: string;
  out: string;
  fpsClips: number;
  /**
   * Diagnostic: feed the renderer's boxes instead of running the detector (no speed measurement, no results
   * file): the file name, gt-boxes.json (taken at the end of the motion blur) or gt-boxes-middle.json.
   */
  gtBoxes?: string;
  /**
   * Diagnostic: a directory where the detector's output (or, with gtBoxes, the renderer's boxes) is kept per
   * clip for the frames the motion gate sent on, and replayed (judgement-only changes; `tune`).
   */
  detsCache?: string;
  /** The detector's output threshold (the worker's model.lowConfThreshold; default its confThreshold, 0.3); tracks start at 0.3. */
  conf: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { model: join(PKG, 'models/detector.onnx'), motionModel: join(PKG, 'models/throw-motion.json'), out: join(REPO, 'bench/results/vision.json'), fpsClips: 4, conf: 0.3 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--model') a.model = resolve(argv[++i]);
    else if (v === '--motion-model') a.motionModel = argv[++i] === 'off' ? 'off' : resolve(argv[i]);
    else if (v === '--out') a.out = resolve(argv[++i]);
    else if (v === '--fps-clips') a.fpsClips = Number(argv[++i]);
    else if (v === '--gt-boxes') a.gtBoxes = gtBoxesFile('end');
    else if (v === '--gt-boxes-middle') a.gtBoxes = gtBoxesFile('middle');
    else if (v === '--dets-cache') a.detsCache = resolve(argv[++i]);
    else if (v === '--conf') {
      a.conf = Number(argv[++i]);
      if (!(a.conf > 0 && a.conf < 1)) throw new Error(`--conf: ${argv[i]} is not a score between 0 and 1`);
    } else if (v.startsWith('--')) throw new Error(`unknown option ${v} (known: --model, --motion-model, --out, --fps-clips, --gt-boxes, --gt-boxes-middle, --dets-cache, --conf)`);
    else a.dataset = resolve(v);
  }
  return a;
}

interface RunOptions {
  gtBoxes?: string;
  detsCache?: string;
  model?: MotionClassifier;
}

async function runClip(clip: Clip, onnx: OnnxDetector, gated: boolean, { gtBoxes, detsCache, model }: RunOptions = {}, maxSide = 640) {
  const src = await FfmpegSource.open({ uri: clip.video, maxSide });
  const base: FrameDetector = gtBoxes ? new GroundTruthDetector(join(clip.dir, gtBoxes), src.scale) : onnx;
  // with --gt-boxes too: the cache then records which frames the gate sent on, for replaying the judges (tune)
  const cached = detsCache ? new CachedDetector(base, join(detsCache, `${clip.name}.json`)) : undefined;
  const detector: FrameDetector = cached ?? base;
  const camera = CameraModel.scaled({ ...clip.camera, width: src.width / src.scale, height: src.height / src.scale }, src.scale);
  const pipeline = new CameraPipeline({
    cameraId: clip.name,
    detector,
    camera,
    settings: DEFAULT_JUDGE,
    zones: [],
    parcelClass: 'parcel',
    personClass: 'person',
    motion: gated ? DEFAULT_MOTION : null,
    ringFrames: 2,
    model,
  });
  const judgements: Judgement[] = [];
  const t0 = process.hrtime.bigint();
  for await (const f of src.frames()) {
    f.t = f.index / clip.camera.fps;
    judgements.push(...(await pipeline.process(f)));
  }
  judgements.push(...pipeline.finish());
  cached?.save();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { judgements, frames: pipeline.stats.frames, detected: pipeline.stats.detected, seconds, width: src.width, height: src.height };
}

/** CPU seconds of this process plus its finished children (ffmpeg), from /proc: what a camera really costs. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  let children = 0;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    children = (Number(f[13]) + Number(f[14])) / 100; // cutime + cstime, clock ticks
  } catch {
    /* not Linux: node only */
  }
  return (u.user + u.system) / 1e6 + children;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let dataset = args.dataset;
  if (!dataset) {
    dataset = HELDOUT;
    if (!existsSync(dataset)) {
      console.log(`generating the held-out set in ${dataset} (seeds from 900001; training uses seeds below 100000)…`);
      const r = spawnSync('/usr/bin/python3', [join(PKG, 'training/make_heldout.py'), '--out', dataset, '--clips', '50'], { stdio: 'inherit', cwd: join(PKG, 'training') });
      if (r.status !== 0) throw new Error('held-out generation failed (needs python3-opencv, python3-numpy and ffmpeg from apt)');
    }
  }
  const clips = loadDataset(dataset);
  const model = args.motionModel === 'off' ? undefined : MotionClassifier.load(args.motionModel);
  const detector = await OnnxDetector.load({ modelPath: args.model, threads: 2, confThreshold: args.conf, keepClassNames: ['parcel', 'person'] });
  const matches: ClipMatch[] = [];
  const details: unknown[] = [];
  let frames = 0;
  let detected = 0;
  let seconds = 0;
  const cpu0 = cpuSeconds();
  for (const clip of clips) {
    const r = await runClip(clip, detector, true, { gtBoxes: args.gtBoxes, detsCache: args.detsCache, model });
    const m = matchClip(clip.labels.events, r.judgements.map(spanOf));
    matches.push(m);
    frames += r.frames;
    detected += r.detected;
    seconds += r.seconds;
    const fmt = (s: Span[]) => s.map((x) => `${x.kind}@${x.startFrame}-${x.endFrame}`).join(' ') || '-';
    console.log(`${clip.name} ${r.width}x${r.height} ${(r.frames / r.seconds).toFixed(1)} fps  ok: ${m.matched.length}  false: ${fmt(m.falsePositives)}  missed: ${fmt(m.misses)}`);
    details.push({ clip: clip.name, labels: clip.labels.events, judgements: r.judgements.map(({ parcelBox: _p, personBox: _q, ...j }) => j), falsePositives: m.falsePositives, misses: m.misses });
  }
  if (args.gtBoxes || args.detsCache) {
    // diagnostics: accuracy only (a replayed detector says nothing about speed), no results file
    const t = score('throw', matches);
    const k = score('kick', matches);
    const detections = args.gtBoxes ? `ground truth (renderer boxes, ${args.gtBoxes})` : `the detector, replayed from ${args.detsCache}`;
    console.log(JSON.stringify({ dataset, detections, clips: clips.length, throw: t, kick: k }, null, 2));
    writeFileSync(join(PKG, args.gtBoxes ? 'data/eval-details-gt.json' : 'data/eval-details-cached.json'), JSON.stringify(details, null, 1));
    await detector.close();
    return;
  }
  const cpuBusy = (cpuSeconds() - cpu0) / frames;
  // an idle camera (a still scene: the motion gate skips the detector): decode and gate only
  const idleDir = join(PKG, 'data/idle-clip');
  mkdirSync(idleDir, { recursive: true });
  const idleVideo = join(idleDir, 'video.mp4');
  if (!existsSync(idleVideo)) {
    spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', clips[0].video, '-frames:v', '1', join(idleDir, 'first.png')]);
    spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', join(idleDir, 'first.png'), '-t', '12', '-r', '25', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', idleVideo]);
  }
  const cpuIdle0 = cpuSeconds();
  const idle = await runClip({ ...clips[0], name: 'idle', video: idleVideo, labels: { events: [] } }, detector, true, { model });
  const cpuIdle = (cpuSeconds() - cpuIdle0) / idle.frames;
  // end-to-end rate at 640×640 with the detector on every frame (no gating): the worst case for one camera
  let f640 = 0;
  let s640 = 0;
  const candidates = [];
  for (const c of clips) {
    const probeSrc = await FfmpegSource.open({ uri: c.video, maxSide: 640 });
    if (probeSrc.width === 640 && probeSrc.height === 640) candidates.push(c);
    if (candidates.length >= args.fpsClips) break;
  }
  for (const c of candidates) {
    const r = await runClip(c, detector, false, { model });
    f640 += r.frames;
    s640 += r.seconds;
  }
  const throwScore = score('throw', matches);
  const kickScore = score('kick', matches);
  const fpsGated = frames / seconds;
  const result = {
    dataset: dataset.startsWith(REPO) ? dataset.slice(REPO.length + 1) : dataset,
    model: args.model.startsWith(REPO) ? args.model.slice(REPO.length + 1) : args.model,
    motion_model: args.motionModel.startsWith(REPO) ? args.motionModel.slice(REPO.length + 1) : args.motionModel,
    clips: clips.length,
    frames,
    throw_f1: throwScore.f1,
    kick_f1: kickScore.f1,
    throw_precision: throwScore.precision,
    throw_recall: throwScore.recall,
    kick_precision: kickScore.precision,
    kick_recall: kickScore.recall,
    throw: throwScore,
    kick: kickScore,
    fps_640: s640 ? Math.round((f640 / s640) * 10) / 10 : null,
    fps_640_frames: f640,
    fps_gated: Math.round(fpsGated * 10) / 10,
    detector_share_gated: Math.round((detected / frames) * 1000) / 1000,
    cpu_ms_per_frame_busy: Math.round(cpuBusy * 10000) / 10,
    cpu_ms_per_frame_idle: Math.round(cpuIdle * 10000) / 10,
    /** Cameras one worker sustains at 10 fps on 2 cores, from CPU per frame (decode + gate + detector + judgement). */
    cameras_at_10fps_busy: Math.floor(2 / (10 * cpuBusy)),
    cameras_at_10fps_idle: Math.floor(2 / (10 * cpuIdle)),
    idle_detector_share: Math.round((idle.detected / idle.frames) * 1000) / 1000,
    threads: 2,
    node: process.version,
    measuredAt: new Date().toISOString(),
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');
  const detailPath = join(PKG, 'data/eval-details.json');
  mkdirSync(dirname(detailPath), { recursive: true });
  writeFileSync(detailPath, JSON.stringify(details, null, 1));
  console.log(`wrote ${args.out} (per-clip details in ${detailPath})`);
  await detector.close();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
