/**
 * Diagnostic: how far the detector's boxes are from the renderer's, on a set made with `--gt-boxes` whose
 * detections were cached by `eval -- <set> --dets-cache <dir>`. Parcels are split into moving (in flight,
 * kicked) and still, because a free-fall fit needs boxes in flight within a few pixels.
 *
 *   node dist/eval/box-error.main.js <dataset-dir> <dets-cache-dir> [end|middle]   (which gt-boxes file)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Detection } from '../detect/yolo-decode';
import { fitWithin } from '../frames/frame-source';
import { loadDataset } from './dataset';
import { GT_SAMPLINGS, gtBoxesFile, type GtSampling } from './gt-detector';
import { addFrame, gtSpeeds, MOVING_PX_PER_FRAME, summarise, type BoxErrorStats, type GtBox } from './box-error';

const MAX_SIDE = 640;

function main() {
  const [dataset, cacheDir, sampling = 'end'] = process.argv.slice(2);
  if (!dataset || !cacheDir || !GT_SAMPLINGS.includes(sampling as GtSampling)) {
    throw new Error(`usage: box-error.main.js <dataset-dir> <dets-cache-dir> [${GT_SAMPLINGS.join('|')}]`);
  }
  const gtFile = gtBoxesFile(sampling as GtSampling);
  const byKind = new Map<string, BoxErrorStats>();
  const byClass = new Map<string, BoxErrorStats>();
  let clips = 0;
  for (const clip of loadDataset(dataset)) {
    const gtPath = join(clip.dir, gtFile);
    const cachePath = join(cacheDir, `${clip.name}.json`);
    if (!existsSync(gtPath) || !existsSync(cachePath)) continue;
    const { width, height } = JSON.parse(readFileSync(join(clip.dir, 'camera.json'), 'utf8')) as { width?: number; height?: number };
    if (!width || !height) throw new Error(`${clip.dir}/camera.json: no width/height (made by an older make_heldout.py)`);
    const s = fitWithin(width, height, MAX_SIDE).scale;
    const frames = (JSON.parse(readFileSync(gtPath, 'utf8')) as { frames: GtBox[][] }).frames.map((f) =>
      f.map(([c, x1, y1, x2, y2]) => [c, x1 * s, y1 * s, x2 * s, y2 * s] as GtBox),
    );
    const cache = JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, Detection[]>;
    clips++;
    for (const [k, dets] of Object.entries(cache)) {
      const i = Number(k);
      const gt = frames[i] ?? [];
      const speeds = gtSpeeds(frames[i - 1], gt);
      const kind = (g: GtBox, j: number) => (g[0] === 1 ? 'person' : speeds[j] > MOVING_PX_PER_FRAME ? 'parcel, moving' : 'parcel, still');
      addFrame(byKind, gt, dets, kind, () => null);
      const cls = (c: number) => (c === 1 ? 'person' : 'parcel');
      addFrame(byClass, gt, dets, (g) => cls(g[0]), (d) => cls(d.classId));
    }
  }
  if (!clips) throw new Error(`no clip in ${dataset} has both ${gtFile} and a cache file in ${cacheDir}`);
  const out: Record<string, unknown> = { dataset, sampling, clips };
  for (const [k, v] of [...byClass, ...byKind]) out[k] = summarise(v);
  console.log(JSON.stringify(out, null, 2));
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
