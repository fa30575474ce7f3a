/**
 * The vision worker: watches a group of cameras, reports sorting violations (S1 throws/drops, S2 kicks) with
 * evidence, camera heartbeats (S4) and parcel counts to the hub, through an on-disk outbox.
 *
 *   KJ_VISION_CONFIG=worker.json [KJ_FEED_TOKEN=…] [KJ_HUB_URL=…] node dist/main.js [--once]
 *
 * --once: process file sources to their end, wait for the outbox to drain (up to KJ_DRAIN_TIMEOUT_S,
 * default 120 s), then exit; 0 when everything was delivered.
 */
import { join, resolve } from 'node:path';
import { loadWorkerConfig, readEnv } from './config/worker-config';
import { OnnxDetector } from './detect/onnx-detector';
import { MotionClassifier } from './judge/motion-classifier';
import { HubClient } from './hub/hub-client';
import { Outbox } from './hub/outbox';
import { Reporter } from './hub/reporter';
import { CameraRunner } from './worker/camera-runner';
import { jsonLogger } from './worker/logger';

const DEFAULT_MODEL = resolve(__dirname, '../models/detector.onnx');
const DEFAULT_MOTION_MODEL = resolve(__dirname, '../models/throw-motion.json');

async function main() {
  const once = process.argv.includes('--once');
  const env = readEnv();
  const drainTimeoutS = Number(process.env.KJ_DRAIN_TIMEOUT_S ?? 120);
  const cfg = loadWorkerConfig(env.configPath, env);
  const log = jsonLogger('vision-worker');
  const detector = await OnnxDetector.load({
    modelPath: cfg.model.path ?? DEFAULT_MODEL,
    classNames: cfg.model.classNames,
    inputSize: cfg.model.inputSize,
    // the detector reports down to the weak score; the tracker starts tracks only at confThreshold
    confThreshold: cfg.model.lowConfThreshold ?? cfg.model.confThreshold,
    threads: cfg.model.threads,
    keepClassNames: [cfg.model.parcelClass, cfg.model.personClass],
  });
  const motionPath = cfg.model.motionModel ?? DEFAULT_MOTION_MODEL;
  const motionModel = motionPath === 'off' ? undefined : MotionClassifier.load(motionPath);
  const hub = new HubClient(cfg.hub.url, cfg.hub.token);
  const outbox = new Outbox(cfg.outboxDir, hub, log);
  if (outbox.pending > 0) log.info('outbox has entries from a previous run; sending them first', { pending: outbox.pending });
  outbox.start();
  const reporter = new Reporter(outbox, cfg.workerId);
  const runners = cfg.cameras.map(
    (camera) =>
      new CameraRunner({
        camera,
        settings: cfg.floors[camera.floorId] ?? {},
        detector,
        motionModel,
        reporter,
        log,
        parcelClass: cfg.model.parcelClass,
        personClass: cfg.model.personClass,
        trackStartScore: cfg.model.confThreshold,
        clips: cfg.clips,
        snapshotQuality: cfg.snapshotQuality,
      }),
  );
  const heartbeat = async () => {
    for (const r of runners) {
      const fps = r.takeFps();
      if (!r.up) continue; // a camera that is down stays silent: the hub's S4 rule notices the gap
      await reporter.heartbeat({ cameraId: r.id, floorId: r.floorId, at: new Date(), fps, status: fps >= 5 ? 'ok' : 'degraded' });
    }
  };
  const scans = async () => {
    const perFloor = new Map<string, number>();
    for (const r of runners) perFloor.set(r.floorId, (perFloor.get(r.floorId) ?? 0) + r.takeParcels());
    for (const [floorId, parcels] of perFloor) if (parcels > 0) await reporter.scan({ floorId, at: new Date(), parcels });
  };
  const hbTimer = setInterval(() => void heartbeat().catch((e: Error) => log.error('heartbeat failed', { error: e.message })), cfg.heartbeatSeconds * 1000);
  const scanTimer = setInterval(() => void scans().catch((e: Error) => log.error('scan count failed', { error: e.message })), cfg.scanSeconds * 1000);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    log.info('stopping');
    runners.forEach((r) => r.stop());
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  log.info('started', { cameras: runners.map((r) => r.id), hub: cfg.hub.url, outbox: join(cfg.outboxDir), model: cfg.model.path ?? DEFAULT_MODEL, motionModel: motionPath, classes: detector.classNames });
  await Promise.all(runners.map((r) => r.run()));
  clearInterval(hbTimer);
  clearInterval(scanTimer);
  if (once) {
    await heartbeat();
    await scans();
  }
  const drained = await outbox.flush(once ? drainTimeoutS * 1000 : 5_000);
  outbox.stop();
  await detector.close();
  log.info('stopped', { outboxPending: outbox.pending, drained });
  process.exit(drained ? 0 : 3);
}

main().catch((e: unknown) => {
  process.stderr.write(`vision-worker: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
